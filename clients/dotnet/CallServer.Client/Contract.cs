namespace CallServer.Client;

/// <summary>The version of the server contract (docs/API.md) this client is written against.</summary>
public static class Contract
{
    /// <summary>
    /// The contract version this client speaks. A newer server keeps working with it: the client reads the fields it knows
    /// and ignores the others.
    /// </summary>
    public const int Version = 1;
}
