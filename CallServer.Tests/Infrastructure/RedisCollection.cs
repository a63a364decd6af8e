namespace CallServer.Tests.Infrastructure;

/// <summary>Tests that share one real redis-server; each app in them uses its own key prefix.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}
