using CallServer.Rooms;

namespace CallServer.Api;

/// <summary>Answer of a join: who the caller is in the room, its token for the hub and leave, and the room's status.</summary>
internal sealed record JoinResponse(string ParticipantId, string Token, RoomStatus Room);
