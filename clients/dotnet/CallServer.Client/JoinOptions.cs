namespace CallServer.Client;

/// <summary>How to join a room: with the app backend's join token (tokens mode), or a display name on an open server.</summary>
public sealed record JoinOptions
{
    /// <summary>The join token your backend signed for this room (docs/MOBILE.md §1); null on an open server.</summary>
    public string? JoinToken { get; init; }

    /// <summary>The name others see; optional when the join token has a <c>name</c>.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Join with the microphone on (default) or off.</summary>
    public bool Audio { get; init; } = true;

    /// <summary>Join with the camera on (default) or off.</summary>
    public bool Video { get; init; } = true;
}
