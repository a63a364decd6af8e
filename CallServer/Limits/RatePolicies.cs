namespace CallServer.Limits;

/// <summary>The per-address rate limit policies of the REST endpoints.</summary>
internal static class RatePolicies
{
    public const string Join = "join";

    public const string Leave = "leave";

    public const string Read = "read";

    public const string Admin = "admin";
}
