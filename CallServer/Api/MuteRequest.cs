namespace CallServer.Api;

/// <summary>What a moderator turns off: <c>false</c> turns that media off; left out, it stays as it is (a mute never turns media on).</summary>
internal sealed record MuteRequest(bool? Audio, bool? Video);
