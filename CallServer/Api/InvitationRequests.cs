namespace CallServer.Api;

/// <summary>Body of <c>POST /calls</c>: whom to ring, for how long, with the app's data; the caller's name and media.</summary>
internal sealed record DialRequest(
    IReadOnlyList<string>? To, int? RingSeconds = null, string? Metadata = null, string? DisplayName = null, bool? Audio = null, bool? Video = null);

/// <summary>Body of <c>POST /rooms/{roomId}/invitations</c>.</summary>
internal sealed record InviteRequest(IReadOnlyList<string>? To, int? RingSeconds = null, string? Metadata = null);

/// <summary>Body of <c>POST /invitations/{invitationId}/accept</c> (optional).</summary>
internal sealed record AcceptRequest(string? DisplayName = null, bool? Audio = null, bool? Video = null);

/// <summary>Body of <c>POST /invitations/{invitationId}/decline</c>: <c>declined</c> (the default) or <c>busy</c>.</summary>
internal sealed record DeclineRequest(string? Reason = null);

/// <summary>Body of <c>POST /users/token</c> (open mode).</summary>
internal sealed record UserTokenRequest(string? Identity, string? DisplayName = null);

/// <summary>Answer of <c>POST /users/token</c>: a user token and when it expires.</summary>
internal sealed record UserTokenResponse(string Token, DateTimeOffset ExpiresAt);
