namespace CallServer.Media.Janus;

/// <summary>An error Janus answered: a core error (<c>error.code</c>) or a VideoRoom one (<c>plugindata.data.error_code</c>).</summary>
internal sealed class JanusException(int code, string reason) : Exception($"Janus error {code}: {reason}")
{
    public const int SessionNotFound = 458;
    public const int HandleNotFound = 459;
    public const int NoSuchRoom = 426;
    public const int NoSuchFeed = 428;

    public int Code { get; } = code;
}
