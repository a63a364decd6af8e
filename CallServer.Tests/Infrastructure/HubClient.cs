using System.Collections.Concurrent;
using CallServer.Domain.Rooms;
using CallServer.Hubs;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CallServer.Tests.Infrastructure;

/// <summary>A participant's SignalR connection that records the statuses, signals and ended events it receives.</summary>
public sealed class HubClient : IAsyncDisposable
{
    private readonly ConcurrentQueue<RoomStatus> _statuses = new();
    private readonly ConcurrentQueue<SignalMessage> _signals = new();
    private readonly ConcurrentQueue<EndedMessage> _ended = new();
    private readonly ConcurrentQueue<CandidateMessage> _candidates = new();
    private readonly ConcurrentQueue<RemovedMessage> _removed = new();
    private readonly ConcurrentQueue<DataMessage> _data = new();
    private readonly ConcurrentQueue<ClosingMessage> _closing = new();
    private readonly ConcurrentQueue<MutedMessage> _muted = new();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<CallServer.Api.JoinResponse> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _received = new();

    internal HubClient(HubConnection connection, string participantId)
    {
        Connection = connection;
        ParticipantId = participantId;
        connection.On<RoomStatus>("status", s =>
        {
            _received.Enqueue("status");
            _statuses.Enqueue(s);
        });
        connection.On<CallServer.Api.JoinResponse>("joined", j =>
        {
            _received.Enqueue("joined");
            ParticipantId = j.ParticipantId;
            _joined.TrySetResult(j);
        });
        connection.On<SignalMessage>("signal", _signals.Enqueue);
        connection.On<EndedMessage>("ended", _ended.Enqueue);
        connection.On<CandidateMessage>("candidate", _candidates.Enqueue);
        connection.On<RemovedMessage>("removed", _removed.Enqueue);
        connection.On<DataMessage>("data", _data.Enqueue);
        connection.On<ClosingMessage>("closing", _closing.Enqueue);
        connection.On<MutedMessage>("muted", _muted.Enqueue);
        connection.Closed += error =>
        {
            _closed.TrySetResult(error);
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    /// <summary>The participant; for a join over the hub, known once <see cref="Joined"/> arrived.</summary>
    public string ParticipantId { get; private set; }

    /// <summary>The <c>joined</c> answer of a join over the hub (docs/API.md §5.1).</summary>
    internal Task<CallServer.Api.JoinResponse> Joined => _joined.Task;

    /// <summary>The names of the status and joined events, in the order they arrived.</summary>
    internal IReadOnlyList<string> Received => [.. _received];

    internal IReadOnlyList<RoomStatus> Statuses => [.. _statuses];

    internal IReadOnlyList<SignalMessage> Signals => [.. _signals];

    internal IReadOnlyList<EndedMessage> Ended => [.. _ended];

    internal IReadOnlyList<DataMessage> Data => [.. _data];

    /// <summary>The <c>closing</c> notices received: why the server closed this connection.</summary>
    internal IReadOnlyList<ClosingMessage> Closings => [.. _closing];

    public Task StartAsync() => Connection.StartAsync();

    /// <summary>Waits until a received status satisfies <paramref name="predicate"/>.</summary>
    internal Task<RoomStatus> WaitForStatusAsync(Func<RoomStatus, bool> predicate, string what) =>
        Eventually.ValueAsync(() => Task.FromResult(_statuses.LastOrDefault(predicate)), s => s is not null, what)!;

    /// <summary>A connection that joins <paramref name="room"/> as it connects (§5.1): the query carries the join.</summary>
    internal static HubClient Joining(Uri server, string room, string query, string? joinToken = null, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(server, $"/hubs/room?room={Uri.EscapeDataString(room)}&{query}"), o =>
        {
            o.AccessTokenProvider = () => Task.FromResult(joinToken);
            o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
        });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        return new HubClient(builder.Build(), "");
    }

    internal Task<SignalMessage> WaitForSignalAsync(Func<SignalMessage, bool> predicate, string what) =>
        Eventually.ValueAsync(() => Task.FromResult(_signals.FirstOrDefault(predicate)), s => s is not null, what)!;

    internal Task<CandidateMessage> WaitForCandidateAsync(string target) =>
        Eventually.ValueAsync(() => Task.FromResult(_candidates.FirstOrDefault(c => c.Target == target)), c => c is not null, $"a candidate for {target} at {ParticipantId}")!;

    internal Task<RemovedMessage> WaitForRemovedAsync() =>
        Eventually.ValueAsync(() => Task.FromResult(_removed.FirstOrDefault()), s => s is not null, $"removed at {ParticipantId}")!;

    internal Task<DataMessage> WaitForDataAsync(Func<DataMessage, bool> predicate, string what) =>
        Eventually.ValueAsync(() => Task.FromResult(_data.FirstOrDefault(predicate)), s => s is not null, what)!;

    internal Task<MutedMessage> WaitForMutedAsync(Func<MutedMessage, bool> predicate, string what) =>
        Eventually.ValueAsync(() => Task.FromResult(_muted.FirstOrDefault(predicate)), s => s is not null, what)!;

    internal Task<EndedMessage> WaitForEndedAsync() =>
        Eventually.ValueAsync(() => Task.FromResult(_ended.FirstOrDefault()), s => s is not null, $"ended at {ParticipantId}")!;

    /// <summary>Completes when the server closed the connection.</summary>
    public Task<Exception?> Closed => _closed.Task;

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
