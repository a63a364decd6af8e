namespace CallServer.Backup;

/// <summary>The backup store answered, but not as a change needs: too few replicas confirmed it in time (<c>Redis:AckReplicas</c>).</summary>
internal sealed class StoreUnavailableException(string message) : Exception(message);
