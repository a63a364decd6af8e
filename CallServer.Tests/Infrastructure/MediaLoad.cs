using System.Collections.Concurrent;
using System.Diagnostics;
using CallServer.Domain.Rooms;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Infrastructure;

/// <summary>
/// Participants that change their media one call after another until stopped, recording every call: what it asked, how long
/// it took, and what it was answered (an acknowledged status, or an error). The record is what a Jepsen-style check reads.
/// </summary>
internal sealed class MediaLoad(IReadOnlyList<HubClient> clients)
{
    private readonly ConcurrentQueue<MediaOp> _ops = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private Task[] _running = [];

    public IReadOnlyList<MediaOp> Ops => [.. _ops];

    public MediaLoad Start(Func<HubClient, string> room)
    {
        _running = [.. clients.Select(c => Task.Run(() => RunAsync(c, room(c))))];
        return this;
    }

    /// <summary>Calls made from now on.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public async Task<IReadOnlyList<MediaOp>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        return Ops;
    }

    /// <summary>Waits until a call that started after <paramref name="since"/> was acknowledged.</summary>
    public Task WaitForAcknowledgedAsync(TimeSpan since, string what, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => Task.FromResult(_ops.Any(o => o.Started >= since && o.Acked is not null)), what, timeout ?? TimeSpan.FromSeconds(30));

    private async Task RunAsync(HubClient client, string roomId)
    {
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var (audio, video) = (i % 2 == 0, i % 3 == 0);
            var started = _clock.Elapsed;
            try
            {
                var status = await client.Connection.InvokeAsync<RoomStatus>("SetMedia", audio, video);
                _ops.Enqueue(new MediaOp(roomId, client.ParticipantId, i, audio, video, started, _clock.Elapsed - started, status, null));
            }
            catch (Exception ex)
            {
                _ops.Enqueue(new MediaOp(roomId, client.ParticipantId, i, audio, video, started, _clock.Elapsed - started, null, ex.Message));
                // a failed call is tried again a moment later, as a client would
                await Task.Delay(20);
            }
        }
    }
}
