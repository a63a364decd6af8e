namespace CallServer.Media.Janus;

/// <summary>A call's VideoRoom: its number, and the secret that alone may edit or destroy it.</summary>
internal sealed record JanusRoom(long Number, string Secret);
