namespace CallServer.Hubs;

/// <summary>
/// The <c>muted</c> event: a moderator turned this participant's media off. <paramref name="MuteAudio"/> /
/// <paramref name="MuteVideo"/>: true for what was turned off (the same meaning as the <c>Mute</c> hub method's parameters);
/// <paramref name="By"/>: the moderator's participant id, or null when the app's backend did it with the admin key.
/// </summary>
internal sealed record MutedMessage(string RoomId, string ParticipantId, string? By, bool MuteAudio, bool MuteVideo);
