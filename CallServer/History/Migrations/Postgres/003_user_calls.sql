-- each user's part in each call (docs/API.md §10): one row per call and identity, kept by the history writer with the events
CREATE TABLE user_calls (
    call_id           uuid NOT NULL REFERENCES calls (call_id),
    identity          text NOT NULL,
    room_id           text NOT NULL,
    direction         text NOT NULL,
    outcome           text,
    started_at        timestamptz NOT NULL,
    answered_at       timestamptz,
    ended_at          timestamptz,
    duration_seconds  bigint NOT NULL,
    invitation_id     text,
    peers             jsonb NOT NULL,
    state             jsonb NOT NULL,
    PRIMARY KEY (call_id, identity)
);
-- a user's recent calls, newest first, and its missed calls since a time
CREATE INDEX user_calls_recent ON user_calls (identity, started_at DESC, call_id DESC);
CREATE INDEX user_calls_missed ON user_calls (identity, ended_at) WHERE outcome = 'missed';
-- retention removes calls by their end
CREATE INDEX calls_by_end ON calls (ended_at);
