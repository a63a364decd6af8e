-- each user's part in each call (docs/API.md §10): one row per call and identity, kept by the history writer with the events
CREATE TABLE user_calls (
    call_id           TEXT NOT NULL REFERENCES calls (call_id),
    identity          TEXT NOT NULL,
    room_id           TEXT NOT NULL,
    direction         TEXT NOT NULL,
    outcome           TEXT,
    started_at        TEXT NOT NULL,
    answered_at       TEXT,
    ended_at          TEXT,
    duration_seconds  INTEGER NOT NULL,
    invitation_id     TEXT,
    peers             TEXT NOT NULL,
    state             TEXT NOT NULL,
    PRIMARY KEY (call_id, identity)
);
-- a user's recent calls, newest first, and its missed calls since a time
CREATE INDEX user_calls_recent ON user_calls (identity, started_at DESC, call_id DESC);
CREATE INDEX user_calls_missed ON user_calls (identity, ended_at) WHERE outcome = 'missed';
-- retention removes calls by their end
CREATE INDEX calls_by_end ON calls (ended_at);
