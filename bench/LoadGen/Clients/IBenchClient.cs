namespace LoadGen.Clients;

/// <summary>One simulated participant: joined, connected, receiving statuses; it can change its media and be disposed.</summary>
internal interface IBenchClient : IAsyncDisposable
{
    string RoomId { get; }

    /// <summary>Changes the participant's media; returns the room version the change produced.</summary>
    Task<long> SetMediaAsync(bool audio, bool video, CancellationToken cancellationToken);

    /// <summary>Asks for the room's status; returns its version.</summary>
    Task<long> GetStatusAsync(CancellationToken cancellationToken);
}
