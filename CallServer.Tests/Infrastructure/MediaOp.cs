using CallServer.Domain.Rooms;

namespace CallServer.Tests.Infrastructure;

/// <summary>One SetMedia call of a <see cref="MediaLoad"/>: what was asked, when, how long it took, and its answer.</summary>
internal sealed record MediaOp(
    string RoomId, string ParticipantId, int Index, bool Audio, bool Video, TimeSpan Started, TimeSpan Took, RoomStatus? Acked, string? Error);
