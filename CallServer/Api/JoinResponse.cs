using CallServer.Domain.Rooms;
using CallServer.Media;

namespace CallServer.Api;

/// <summary>
/// Answer of a join: who the caller is in the room, its token for the hub and leave, and the room's status; then how to carry
/// media: <c>mesh</c> (peer connections to each other, signalled with Signal) or an SFU (<c>janus</c>, <c>kurento</c>: Publish and
/// Subscribe), with the ICE servers to use (TURN credentials short-lived); and when the token expires
/// (<c>POST /rooms/{roomId}/token</c> renews it before then).
/// </summary>
internal sealed record JoinResponse(
    string ParticipantId, string Token, RoomStatus Room, string MediaMode, IReadOnlyList<IceServer> IceServers, DateTimeOffset? TokenExpiresAt = null);
