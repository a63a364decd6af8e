using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Client;

/// <summary>
/// A room this client joined: the roster, always the newest status (<see cref="Status"/>), the room's events, and the calls a
/// participant makes. It keeps its connection: a dropped one is reconnected with the same participant within the grace, at
/// once when the server drains; it stops for good on <see cref="Removed"/>, <see cref="Ended"/> or <see cref="LeaveAsync"/>.
/// </summary>
public sealed class Room : IAsyncDisposable
{
    private readonly CallClient _client;
    private readonly HubConnection _connection;
    private readonly HubPayloads _payloads;
    private readonly TaskCompletionSource<JoinAnswer> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Roster? _roster;
    private volatile bool _over;
    private volatile ClosingEvent? _closing;
    private readonly object _events = new();
    private int _snapshots;
    private DateTimeOffset? _droppedAt;

    /// <summary>A room whose connection is built (its URL joins over the hub, docs/API.md §5.1) but not started.</summary>
    internal Room(CallClient client, Func<Room, HubConnection> connect, HubPayloads payloads)
    {
        _client = client;
        _payloads = payloads;
        _connection = connect(this);
        payloads.On(_connection, "joined", ClientJson.Default.JoinAnswer, OnJoined);
        payloads.On(_connection, "status", ClientJson.Default.RoomStatus, status => _ = OnStatusAsync(status));
        payloads.On(_connection, "removed", ClientJson.Default.RemovedEvent, OnRemoved);
        payloads.On(_connection, "ended", ClientJson.Default.EndedEvent, OnEnded);
        payloads.On(_connection, "data", ClientJson.Default.DataEvent, data => DataReceived?.Invoke(data));
        payloads.On(_connection, "signal", ClientJson.Default.SignalEvent, signal => SignalReceived?.Invoke(signal));
        payloads.On(_connection, "muted", ClientJson.Default.MutedEvent, muted => Muted?.Invoke(muted));
        payloads.On(_connection, "closing", ClientJson.Default.ClosingEvent, closing => _closing = closing);
        _connection.Closed += OnClosedAsync;
    }

    /// <summary>The join's answer: this participant's id and token, the media mode and the ICE servers.</summary>
    public JoinAnswer Joined => _joined.Task.IsCompletedSuccessfully ? _joined.Task.Result : throw new InvalidOperationException("Not joined yet.");

    /// <summary>The token the connection presents: the participant's once joined (every reconnect is then that participant's).</summary>
    internal string? Token(string? joinToken) => _joined.Task.IsCompletedSuccessfully ? _joined.Task.Result.Token : joinToken;

    /// <summary>The room's id.</summary>
    public string RoomId => Joined.Room.RoomId;

    /// <summary>This participant's id in the room.</summary>
    public string ParticipantId => Joined.ParticipantId;

    /// <summary>The newest status of the room.</summary>
    public RoomStatus Status => (_roster ?? throw new InvalidOperationException("Not joined yet.")).Status;

    /// <summary>Who is in the room, as the newest status says.</summary>
    public IReadOnlyList<Participant> Participants => Status.Participants;

    /// <summary>Every newer status, after the events it caused.</summary>
    public event Action<RoomStatus>? StatusChanged;

    /// <summary>A participant arrived (it may already be <c>connected</c>).</summary>
    public event Action<Participant>? ParticipantJoined;

    /// <summary>A participant is no longer in the room.</summary>
    public event Action<ParticipantLeftEvent>? ParticipantLeft;

    /// <summary>A participant turned its microphone or camera on or off.</summary>
    public event Action<Participant>? MediaChanged;

    /// <summary>This participant is out of the call (left, kicked, replaced, timed out): the room stops.</summary>
    public event Action<RemovedEvent>? Removed;

    /// <summary>The call is over for everyone: the room stops.</summary>
    public event Action<EndedEvent>? Ended;

    /// <summary>Another participant sent <c>data</c> (chat, reactions, raised hands).</summary>
    public event Action<DataEvent>? DataReceived;

    /// <summary>A WebRTC signal for this participant (mesh mode: offers, answers and candidates of its peers).</summary>
    public event Action<SignalEvent>? SignalReceived;

    /// <summary>A moderator turned this participant's media off.</summary>
    public event Action<MutedEvent>? Muted;

    /// <summary>The connection dropped; the room is reconnecting with the same participant.</summary>
    public event Action? Reconnecting;

    /// <summary>The connection is back; the next status is the room's current state.</summary>
    public event Action? Reconnected;

    /// <summary>The connection is gone for good (removed, ended, left, or not back within the grace).</summary>
    public event Action<Exception?>? Disconnected;

    /// <summary>How many times a gap was repaired by asking for the room's current status.</summary>
    public int SnapshotsFetched => Volatile.Read(ref _snapshots);

    /// <summary>Test hook: a status for which it returns true is dropped, as a lost message would be.</summary>
    internal Func<RoomStatus, bool>? DropStatus { get; set; }

    /// <summary>Turns the microphone and camera on or off; safe to repeat, and repeated on a retryable refusal.</summary>
    public Task<RoomStatus> SetMediaAsync(bool audio, bool video, CancellationToken cancellationToken = default) =>
        ChangeAsync("SetMedia", [audio, video], cancellationToken);

    /// <summary>Sets this participant's own metadata (up to 1,024 characters; null clears it).</summary>
    public Task<RoomStatus> SetMetadataAsync(string? metadata, CancellationToken cancellationToken = default) =>
        ChangeAsync("SetMetadata", [metadata], cancellationToken);

    /// <summary>Sends <c>data</c> to every other participant, or to those named in <paramref name="to"/>.</summary>
    public Task SendDataAsync(string type, string payload, IReadOnlyList<string>? to = null, CancellationToken cancellationToken = default) =>
        _client.RetryAsync(() => _connection.InvokeCoreAsync("SendData", [type, payload, to?.ToArray()], cancellationToken), cancellationToken,
            safeToRepeat: false);

    /// <summary>
    /// Sends a WebRTC signal to one participant (mesh mode, docs/API.md §5): <paramref name="type"/> <c>offer</c>,
    /// <c>answer</c>, <c>candidate</c> or an app's word. Made again only after a refusal that came before it was sent.
    /// </summary>
    public Task SignalAsync(string to, string type, string payload, CancellationToken cancellationToken = default) =>
        _client.RetryAsync(() => _connection.InvokeCoreAsync("Signal", [to, type, payload], cancellationToken), cancellationToken, safeToRepeat: false);

    /// <summary>Leaves the call (REST, with an Idempotency-Key kept across its retries), then closes the connection.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        // the room goes on (and reconnects) until the server took the leave
        await _client.Rest.PostAsync($"rooms/{Uri.EscapeDataString(RoomId)}/leave", Joined.Token, Guid.NewGuid().ToString("N"), null,
            ClientJson.Default.RoomStatus, cancellationToken);
        await StopAsync();
    }

    /// <summary>The room's current status, asked of the server (also taken as the newest, when it is).</summary>
    public async Task<RoomStatus> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var status = await _client.RetryAsync(() => _payloads.InvokeAsync(_connection, "GetStatus", [], ClientJson.Default.RoomStatus, cancellationToken), cancellationToken);
        Apply(status, fromConnection: false);
        return status;
    }

    /// <summary>Starts the connection and waits for the join's answer; a refusal is a <see cref="CallServerException"/>.</summary>
    internal async Task JoinAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        try
        {
            await _connection.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // refused before the upgrade (docs/API.md §5.1: ProblemDetails on the negotiation, 429 on the upgrade), or the network
            throw CallServerException.FromConnection(ex);
        }

        await _joined.Task.WaitAsync(within, cancellationToken);
    }

    private void OnJoined(JoinAnswer answer)
    {
        _roster = new Roster(answer.Room);
        _joined.TrySetResult(answer);
    }

    private async Task<RoomStatus> ChangeAsync(string method, object?[] args, CancellationToken cancellationToken)
    {
        var status = await _client.RetryAsync(() => _payloads.InvokeAsync(_connection, method, args, ClientJson.Default.RoomStatus, cancellationToken), cancellationToken);
        Apply(status, fromConnection: false);
        return status;
    }

    private async Task OnStatusAsync(RoomStatus status)
    {
        if (DropStatus?.Invoke(status) == true)
        {
            return;
        }

        if (Apply(status, fromConnection: true))
        {
            // a version was skipped: the room's current status fills it
            Interlocked.Increment(ref _snapshots);
            try
            {
                await RefreshAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is CallServerException or OperationCanceledException or InvalidOperationException)
            {
                // the connection went meanwhile: its next first status is the room's current state anyway
            }
        }
    }

    /// <summary>Takes the status if newer and raises what changed; true when versions were skipped.</summary>
    private bool Apply(RoomStatus status, bool fromConnection)
    {
        if (_roster is not { } roster)
        {
            return false;
        }

        // one status at a time, from taking it to its last event: the events keep the versions' order
        lock (_events)
        {
            return ApplyAndRaise(roster, status, fromConnection);
        }
    }

    private bool ApplyAndRaise(Roster roster, RoomStatus status, bool fromConnection)
    {
        var (change, gap) = roster.Apply(status, fromConnection);
        if (change is null)
        {
            return false;
        }

        foreach (var p in change.Joined)
        {
            ParticipantJoined?.Invoke(p);
        }

        foreach (var p in change.Left)
        {
            ParticipantLeft?.Invoke(new ParticipantLeftEvent(p));
        }

        foreach (var p in change.MediaChanged)
        {
            MediaChanged?.Invoke(p);
        }

        StatusChanged?.Invoke(status);
        return gap;
    }

    private void OnRemoved(RemovedEvent removed)
    {
        if (removed.ParticipantId == ParticipantId)
        {
            _over = true;
            Removed?.Invoke(removed);
        }
    }

    private void OnEnded(EndedEvent ended)
    {
        _over = true;
        Ended?.Invoke(ended);
    }

    /// <summary>
    /// A dropped connection comes back with the same participant token within the grace: at once when the server drains, after
    /// a back-off when it was closed for flooding, never when the server said not to (<c>closing</c> with <c>reconnect</c>
    /// false) or refused the participant (<c>not_in_room</c>, <c>unauthorized</c>, <c>forbidden</c>, <c>banned</c>).
    /// </summary>
    private async Task OnClosedAsync(Exception? error)
    {
        if (!_joined.Task.IsCompleted)
        {
            // refused at the join (room_full, banned, …): the hub's error says why
            _joined.TrySetException(error is null ? new CallServerException("closed", "The server closed the connection before the join's answer.", true) : CallServerException.FromHub(error));
            return;
        }

        var closing = _closing;
        _closing = null;
        if (_over || _stopping.IsCancellationRequested || closing is { Reconnect: false } || Final(error))
        {
            _over = true;
            Disconnected?.Invoke(error);
            return;
        }

        Reconnecting?.Invoke();
        // the grace counts from the first drop: a connection the server closes again at once does not start it anew
        var deadline = (_droppedAt ??= DateTimeOffset.UtcNow) + _client.Options.ReconnectGrace;
        var delay = closing?.Reason switch
        {
            "draining" => TimeSpan.Zero,
            "rate_limited" => TimeSpan.FromSeconds(5),
            _ => TimeSpan.FromMilliseconds(250),
        };
        while (!_over && !_stopping.IsCancellationRequested && DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                await Task.Delay(delay, _stopping.Token);
                _roster?.Reconnected();
                await _connection.StartAsync(_stopping.Token);
                Reconnected?.Invoke();
                _ = ForgetDropAsync();
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                error = ex;
                if (Final(ex))
                {
                    break;
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(2000, Math.Max(250, delay.TotalMilliseconds * 2)));
            }
        }

        _over = true;
        Disconnected?.Invoke(error);
    }

    /// <summary>A connection that stays up a while ends the drop: the next one has a grace of its own.</summary>
    private async Task ForgetDropAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5), _stopping.Token);
            if (_connection.State == HubConnectionState.Connected)
            {
                _droppedAt = null;
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }

    /// <summary>The server refused this participant: reconnecting cannot help.</summary>
    private static bool Final(Exception? error) =>
        error is not null && CallServerException.FromConnection(error).Code is "not_in_room" or "unauthorized" or "forbidden" or "banned";

    private async Task StopAsync()
    {
        _over = true;
        await _connection.StopAsync();
    }

    /// <summary>Closes the connection without leaving (the server counts the grace, then removes the participant).</summary>
    public async ValueTask DisposeAsync()
    {
        _over = true;
        await _stopping.CancelAsync();
        await _connection.DisposeAsync();
        _stopping.Dispose();
    }
}
