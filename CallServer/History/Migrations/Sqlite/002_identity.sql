-- who the participant is in the app (the join token's sub; open mode: the participant id), on participants and events
ALTER TABLE call_participants ADD COLUMN identity TEXT;
ALTER TABLE call_events ADD COLUMN identity TEXT;
CREATE INDEX call_participants_by_identity ON call_participants (identity);
