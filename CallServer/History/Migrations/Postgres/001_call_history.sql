-- calls, their participants and their ordered events; events are keyed by (call_id, seq) so that a replay adds nothing
CREATE TABLE calls (
    call_id     uuid PRIMARY KEY,
    room_id     text NOT NULL,
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    end_reason  text
);
CREATE INDEX calls_by_room ON calls (room_id, started_at DESC, call_id DESC);

CREATE TABLE call_participants (
    call_id         uuid NOT NULL REFERENCES calls (call_id),
    participant_id  text NOT NULL,
    display_name    text NOT NULL,
    joined_at       timestamptz NOT NULL,
    left_at         timestamptz,
    leave_reason    text,
    PRIMARY KEY (call_id, participant_id)
);

CREATE TABLE call_events (
    call_id         uuid NOT NULL REFERENCES calls (call_id),
    seq             bigint NOT NULL,
    type            text NOT NULL,
    participant_id  text,
    at              timestamptz NOT NULL,
    data            jsonb,
    PRIMARY KEY (call_id, seq)
);
