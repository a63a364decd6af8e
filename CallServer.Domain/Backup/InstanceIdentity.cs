namespace CallServer.Domain.Backup;

/// <summary>This server process: a new id on every start, so that connections held by a previous process can be told apart.</summary>
internal sealed class InstanceIdentity
{
    public string Id { get; } = Guid.NewGuid().ToString("N");
}
