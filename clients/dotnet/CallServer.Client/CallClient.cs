using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CallServer.Client;

/// <summary>
/// The entry point of the .NET client: joins rooms, and does for the app what docs/MOBILE.md asks of every client (versions
/// and gaps, reconnects within the grace, idempotency keys on retried POSTs, back-off on 503 and 429).
/// </summary>
/// <example>
/// <code>
/// await using var client = new CallClient(new CallClientOptions { Server = new Uri("https://calls.example.com/") });
/// await using var room = await client.JoinAsync("standup-42", new JoinOptions { JoinToken = tokenFromYourBackend });
/// room.ParticipantJoined += p => Console.WriteLine($"{p.DisplayName} joined");
/// await room.SetMediaAsync(audio: true, video: false);
/// </code>
/// </example>
public sealed class CallClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HubPayloads _payloads;

    /// <summary>A client of the server <see cref="CallClientOptions.Server"/>.</summary>
    public CallClient(CallClientOptions options)
    {
        Options = options;
        _http = options.HttpHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { BaseAddress = options.Server }
            : new HttpClient { BaseAddress = options.Server };
        Rest = new RestCalls(_http, options);
        _payloads = new HubPayloads(options.Protocol);
    }

    /// <summary>The contract version this client speaks (docs/API.md).</summary>
    public static int ContractVersion => Contract.Version;

    /// <summary>How this client talks to the server.</summary>
    public CallClientOptions Options { get; }

    internal RestCalls Rest { get; }

    /// <summary>
    /// Joins <paramref name="roomId"/> and connects in one step (docs/API.md §5.1): the room's first status shows this
    /// participant connected. A retryable refusal is tried again with the same join key, so a retry whose first answer was
    /// lost is the same participant.
    /// </summary>
    public async Task<Room> JoinAsync(string roomId, JoinOptions join, CancellationToken cancellationToken = default)
    {
        var query = $"hubs/room?room={Uri.EscapeDataString(roomId)}&joinKey={Guid.NewGuid():N}"
            + (join.DisplayName is { } name ? $"&displayName={Uri.EscapeDataString(name)}" : "")
            + (join.Audio ? "" : "&audio=false") + (join.Video ? "" : "&video=false");
        var url = new Uri(Options.Server, query);
        var delay = Options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var room = new Room(this, r => Connect(url, () => r.Token(join.JoinToken)), _payloads);
            try
            {
                await room.JoinAsync(TimeSpan.FromSeconds(30), cancellationToken);
                return room;
            }
            catch (CallServerException ex) when (ex.Retry && attempt < Options.MaxAttempts)
            {
                await room.DisposeAsync();
                await Task.Delay(delay, cancellationToken);
                delay *= 2;
            }
            catch
            {
                await room.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// Makes a hub call, again after a retryable refusal (nothing was acknowledged) or while the connection is away, with a
    /// doubling back-off. A call that is not safe to repeat (<paramref name="safeToRepeat"/> false: SendData, which may have
    /// reached some recipients) is made again only after a refusal that came before anything was done.
    /// </summary>
    internal async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken, bool safeToRepeat = true)
    {
        var delay = Options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (attempt < Options.MaxAttempts && !cancellationToken.IsCancellationRequested && Repeatable(ex, safeToRepeat))
            {
                await Task.Delay(delay, cancellationToken);
                delay *= 2;
            }
            catch (HubException ex)
            {
                throw CallServerException.FromHub(ex);
            }
        }
    }

    internal Task RetryAsync(Func<Task> call, CancellationToken cancellationToken, bool safeToRepeat = true) =>
        RetryAsync(async () =>
        {
            await call();
            return true;
        }, cancellationToken, safeToRepeat);

    private static bool Repeatable(Exception ex, bool safeToRepeat) => ex switch
    {
        ObjectDisposedException => false,
        // refused before it was made: the server's limits, a room too busy to decide it
        HubException hub when CallServerException.FromHub(hub).Code is "rate_limited" or "room_busy" => true,
        HubException hub => safeToRepeat && CallServerException.FromHub(hub).Retry,
        // not connected (reconnecting), or the connection dropped under the call
        InvalidOperationException => true,
        OperationCanceledException => safeToRepeat,
        _ => false,
    };

    private HubConnection Connect(Uri url, Func<string?> token)
    {
        var builder = new HubConnectionBuilder().WithUrl(url, o =>
        {
            o.AccessTokenProvider = () => Task.FromResult(token());
            o.Transports = HttpTransportType.WebSockets;
            if (Options.HttpHandler is { } handler)
            {
                o.HttpMessageHandlerFactory = _ => handler;
            }
        });
        if (Options.Protocol == HubProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }
        else
        {
            builder.AddJsonProtocol(o => o.PayloadSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }

        return builder.Build();
    }

    /// <summary>Releases the HTTP client (each <see cref="Room"/> is disposed on its own).</summary>
    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
