namespace CallServer.Shutdown;

/// <summary>Whether this instance is draining: it then takes no new room or hub connection, and is not ready.</summary>
internal sealed class InstanceDrain
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public void Begin() => _draining = true;
}
