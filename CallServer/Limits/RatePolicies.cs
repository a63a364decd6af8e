namespace CallServer.Limits;

/// <summary>The per-address rate limit policies of the REST endpoints.</summary>
internal static class RatePolicies
{
    public const string Join = "join";

    /// <summary>Joins over the hub (connects with <c>?room=</c>), at the rate of REST joins; other connects are not counted here.</summary>
    public const string HubJoin = "hub-join";

    public const string Leave = "leave";

    public const string Read = "read";

    public const string Admin = "admin";
}
