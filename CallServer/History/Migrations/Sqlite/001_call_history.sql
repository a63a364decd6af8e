-- the same schema as PostgreSQL's, in SQLite's types (times as ISO 8601 text in UTC, data as JSON text)
CREATE TABLE calls (
    call_id     TEXT PRIMARY KEY,
    room_id     TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    end_reason  TEXT
);
CREATE INDEX calls_by_room ON calls (room_id, started_at DESC, call_id DESC);

CREATE TABLE call_participants (
    call_id         TEXT NOT NULL REFERENCES calls (call_id),
    participant_id  TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    joined_at       TEXT NOT NULL,
    left_at         TEXT,
    leave_reason    TEXT,
    PRIMARY KEY (call_id, participant_id)
);

CREATE TABLE call_events (
    call_id         TEXT NOT NULL REFERENCES calls (call_id),
    seq             INTEGER NOT NULL,
    type            TEXT NOT NULL,
    participant_id  TEXT,
    at              TEXT NOT NULL,
    data            TEXT,
    PRIMARY KEY (call_id, seq)
);
