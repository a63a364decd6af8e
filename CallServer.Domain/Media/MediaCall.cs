namespace CallServer.Domain.Media;

/// <summary>The call a media request belongs to; a new call of the same room gets new media.</summary>
internal readonly record struct MediaCall(string RoomId, string CallId);
