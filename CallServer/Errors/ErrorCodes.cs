namespace CallServer.Errors;

/// <summary>Every error code of the contract (docs/API.md §8 is this list; a test fails when the two differ).</summary>
internal static class ErrorCodes
{
    public static readonly ErrorCode InvalidRequest = new("invalid_request", 400, "Invalid request", false,
        "The request or hub call is malformed or out of bounds; the detail says which field.");

    public static readonly ErrorCode InvalidMedia = new("invalid_media", 400, "Media request refused", false,
        "The media server or the room refused a media request (bad SDP, unknown publisher, not an SFU mode).");

    public static readonly ErrorCode Unauthorized = new("unauthorized", 401, "Unauthorized", false,
        "No token, or a malformed, expired or badly signed one, or a token of the wrong kind: get a new one.");

    public static readonly ErrorCode Forbidden = new("forbidden", 403, "Forbidden", false,
        "The credentials are valid but do not cover this request (a token of another room, a key without admin rights).");

    public static readonly ErrorCode NotInRoom = new("not_in_room", 403, "Not in the room", false,
        "The caller is no longer in the room (it left, was removed, replaced or timed out): join again for a new token.");

    public static readonly ErrorCode NotAllowed = new("not_allowed", 403, "Not allowed", false,
        "The participant's grants do not allow this (publish, subscribe, admin).");

    public static readonly ErrorCode Banned = new("banned", 403, "Removed from this call", false,
        "The identity was removed from this call and may not rejoin it until the time the detail names.");

    public static readonly ErrorCode NotFound = new("not_found", 404, "Not found", false,
        "No such resource (a call id that is not in the history, an unknown path).");

    public static readonly ErrorCode RoomNotLive = new("room_not_live", 404, "Room not live", false,
        "The room has no live call.");

    public static readonly ErrorCode UnknownParticipant = new("unknown_participant", 404, "Unknown participant", false,
        "The participant named in the request is not in the room.");

    public static readonly ErrorCode InvitationEnded = new("invitation_ended", 409, "Invitation ended", false,
        "The invitation has ended (answered elsewhere, declined, canceled or missed): its `state` says how.");

    public static readonly ErrorCode InvitationConflict = new("invitation_conflict", 409, "Invitation refused", false,
        "The identity is in the room or being called already, or the room rings (or has made) too many invitations; nothing changed.");

    public static readonly ErrorCode RoomFull = new("room_full", 409, "Room full", false,
        "The room has Rooms:MaxParticipants participants.");

    public static readonly ErrorCode PayloadTooLarge = new("payload_too_large", 413, "Payload too large", false,
        "The request body is larger than the endpoint takes.");

    public static readonly ErrorCode KeyReused = new("key_reused", 422, "Idempotency-Key reused", false,
        "The Idempotency-Key was used before by another caller or with another request: send a new key for a new request.");

    public static readonly ErrorCode RateLimited = new("rate_limited", 429, "Too many requests", true,
        "Over a rate limit: wait Retry-After seconds (REST) or slow down (hub).");

    public static readonly ErrorCode RoomRestarted = new("room_restarted", 500, "Room restarted", true,
        "The room's worker crashed on this request and was restarted from its last acknowledged state; nothing of it was applied.");

    public static readonly ErrorCode InternalError = new("internal_error", 500, "Internal error", true,
        "An unexpected failure of the server; logged with the request's trace id.");

    public static readonly ErrorCode RoomBusy = new("room_busy", 503, "Room busy", true,
        "The room's mailbox is full, or it changed too fast to decide this request: try again.");

    public static readonly ErrorCode StoreUnavailable = new("store_unavailable", 503, "Backup unavailable", true,
        "The backup store did not answer; nothing was acknowledged (a join or leave retried with its Idempotency-Key is safe).");

    public static readonly ErrorCode MediaUnavailable = new("media_unavailable", 503, "Media server unavailable", true,
        "The media server did not answer, or this instance holds Media:MaxCalls calls.");

    public static readonly ErrorCode ServerStopping = new("server_stopping", 503, "Server stopping", true,
        "This instance is shutting down: try again, the load balancer sends the retry to another instance.");

    public static readonly ErrorCode AtCapacity = new("at_capacity", 503, "Server at capacity", true,
        "This instance holds Rooms:MaxLiveRooms live rooms and takes no new one.");

    public static readonly ErrorCode Unavailable = new("unavailable", 503, "Service unavailable", true,
        "A dependency (the history database, for example) is unavailable.");

    public static readonly IReadOnlyList<ErrorCode> All =
    [
        InvalidRequest, InvalidMedia, Unauthorized, Forbidden, NotInRoom, NotAllowed, Banned, NotFound, RoomNotLive,
        UnknownParticipant, RoomFull, InvitationEnded, InvitationConflict, PayloadTooLarge, KeyReused, RateLimited, RoomRestarted, InternalError, RoomBusy,
        StoreUnavailable, MediaUnavailable, ServerStopping, AtCapacity, Unavailable,
    ];

    /// <summary>The code REST answers a status with when nothing more specific was said (a framework's 404 or 405, a bind failure).</summary>
    public static ErrorCode ForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 or 405 => NotFound,
        413 => PayloadTooLarge,
        422 => KeyReused,
        429 => RateLimited,
        503 => Unavailable,
        _ => status >= 500 ? InternalError : InvalidRequest,
    };
}
