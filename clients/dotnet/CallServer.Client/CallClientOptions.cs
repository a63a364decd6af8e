namespace CallServer.Client;

/// <summary>How a <see cref="CallClient"/> talks to the server.</summary>
public sealed class CallClientOptions
{
    /// <summary>The server's address, e.g. <c>https://calls.example.com/</c>.</summary>
    public required Uri Server { get; init; }

    /// <summary>The hub protocol: JSON (the default) or MessagePack (smaller messages).</summary>
    public HubProtocol Protocol { get; init; } = HubProtocol.Json;

    /// <summary>
    /// How long a dropped connection is retried with the same participant token: the server's
    /// <c>Rooms:ReconnectGraceSeconds</c> (20 s by default); after it the participant is out of the call.
    /// </summary>
    public TimeSpan ReconnectGrace { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How many times a request the server refused with a retryable code (503, 429, …) is made in all.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The back-off after a refusal that names no <c>Retry-After</c>; it doubles on each attempt.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The HTTP handler for REST calls and the hub's negotiation (tests, proxies); null: a default one.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }
}

/// <summary>The SignalR hub protocol.</summary>
public enum HubProtocol
{
    /// <summary>JSON text frames.</summary>
    Json,

    /// <summary>MessagePack binary frames.</summary>
    MessagePack,
}
