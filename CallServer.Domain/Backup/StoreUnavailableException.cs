namespace CallServer.Domain.Backup;

/// <summary>
/// The backup store did not answer as a change needs (down, hung, loading, read-only, too few replicas confirmed): nothing
/// was acknowledged, and the same command may succeed later. The store's adapter is the one place that decides this.
/// </summary>
internal sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
