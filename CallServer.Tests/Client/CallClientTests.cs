using CallServer.Client;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Client;

/// <summary>The .NET client (clients/dotnet/CallServer.Client) against the real server: what an app sees through it.</summary>
[Collection(RedisCollection.Name)]
public sealed class CallClientTests(RedisServer redis)
{
    private static CallClient ClientOf(CallServerApplication app, HubProtocol protocol = HubProtocol.Json) =>
        new(new CallClientOptions { Server = app.BaseAddress, Protocol = protocol, RetryDelay = TimeSpan.FromMilliseconds(100) });

    private static string NewRoom(string name) => $"{name}-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task AnnSeesBobJoinChangeHisMediaAndLeaveAndBobOnMessagePackSeesTheSame()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        await using var client = ClientOf(app);
        await using var packed = ClientOf(app, HubProtocol.MessagePack);
        var roomId = NewRoom("client");
        await using var ann = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Ann" });
        var joined = new TaskCompletionSource<Participant>(TaskCreationOptions.RunContinuationsAsynchronously);
        var media = new TaskCompletionSource<Participant>(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = new TaskCompletionSource<ParticipantLeftEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        ann.ParticipantJoined += p => joined.TrySetResult(p);
        ann.MediaChanged += p => media.TrySetResult(p);
        ann.ParticipantLeft += e => left.TrySetResult(e);

        await using var bob = await packed.JoinAsync(roomId, new JoinOptions { DisplayName = "Bob Zoë", Audio = false });
        Assert.Equal(("Bob Zoë", "connected", false, true), Fields((await joined.Task.WaitAsync(Eventually.DefaultTimeout)), p => (p.DisplayName, p.Presence, p.Audio, p.Video)));
        Assert.Equal(2, bob.Participants.Count);
        Assert.Equal(ContractVersionOf(), CallClient.ContractVersion);

        var changed = await bob.SetMediaAsync(audio: true, video: false);
        var seen = await media.Task.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal((bob.ParticipantId, true, false), (seen.ParticipantId, seen.Audio, seen.Video));
        Assert.True(ann.Status.Version >= changed.Version);

        var gone = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Disconnected += e => gone.TrySetResult(e);
        await bob.LeaveAsync();
        Assert.Equal(bob.ParticipantId, (await left.Task.WaitAsync(Eventually.DefaultTimeout)).Participant.ParticipantId);
        await gone.Task.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal([ann.ParticipantId], ann.Participants.Select(p => p.ParticipantId));
    }

    [Fact]
    public async Task TwentyParticipantsChangingTheirMediaAllEndWithTheServersRoster()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Rooms:MaxParticipants"] = "20" }).Start();
        await using var client = ClientOf(app);
        var roomId = NewRoom("twenty");
        var rooms = new List<Room>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                rooms.Add(await client.JoinAsync(roomId, new JoinOptions { DisplayName = $"P{i}" }));
            }

            await Task.WhenAll(rooms.Select(async (room, i) =>
            {
                for (var c = 0; c < 3; c++)
                {
                    await room.SetMediaAsync(audio: (i + c) % 2 == 0, video: c % 2 == 0);
                }
            }));

            var server = await app.StatusAsync(roomId);
            foreach (var room in rooms)
            {
                await Eventually.TrueAsync(() => Task.FromResult(room.Status.Version == server.Version), $"{room.ParticipantId} reaches version {server.Version}");
                Assert.Equal(
                    server.Participants.Select(p => (p.ParticipantId, p.Audio, p.Video)),
                    room.Participants.Select(p => (p.ParticipantId, p.Audio, p.Video)));
            }
        }
        finally
        {
            foreach (var room in rooms)
            {
                await room.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task StatusesLostOnTheWayAreRepairedFromTheRoomsCurrentStatus()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        await using var client = ClientOf(app);
        var roomId = NewRoom("gap");
        await using var ann = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Ann" });
        await using var bob = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Bob" });
        await Eventually.TrueAsync(() => Task.FromResult(ann.Participants.Count == 2), "Ann sees Bob");
        // the next two statuses never reach Ann, as if the network lost them
        var lost = ann.Status.Version;
        ann.DropStatus = s => s.Version is var v && v > lost && v <= lost + 2;

        await bob.SetMediaAsync(false, false);
        await bob.SetMediaAsync(true, false);
        var last = await bob.SetMediaAsync(false, true);

        await Eventually.TrueAsync(() => Task.FromResult(ann.Status.Version == last.Version), "Ann reaches Bob's last change");
        Assert.Equal((false, true), Fields(ann.Participants.Single(p => p.ParticipantId == bob.ParticipantId), p => (p.Audio, p.Video)));
        Assert.True(ann.SnapshotsFetched >= 1, "the gap was seen and repaired");
    }

    [Fact]
    public async Task AKickIsRemovedForBobAndEndingTheCallIsEndedForAnn()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        await using var client = ClientOf(app);
        var roomId = NewRoom("kick");
        await using var ann = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Ann" });
        await using var bob = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Bob" });
        var removed = new TaskCompletionSource<RemovedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource<EndedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Removed += e => removed.TrySetResult(e);
        ann.Ended += e => ended.TrySetResult(e);
        using var admin = app.Admin();

        using (var kick = await admin.DeleteAsync($"/rooms/{roomId}/participants/{bob.ParticipantId}"))
        {
            Assert.True(kick.IsSuccessStatusCode);
        }

        Assert.Equal("kicked", (await removed.Task.WaitAsync(Eventually.DefaultTimeout)).Reason);
        using (var end = await admin.DeleteAsync($"/rooms/{roomId}"))
        {
            Assert.True(end.IsSuccessStatusCode);
        }

        Assert.Equal("ended", (await ended.Task.WaitAsync(Eventually.DefaultTimeout)).Reason);
    }

    [Fact]
    public async Task ARefusedJoinIsACallServerExceptionWithItsCode()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Rooms:MaxParticipants"] = "2" }).Start();
        await using var client = ClientOf(app);
        var roomId = NewRoom("full");
        await using var ann = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Ann" });
        await using var bob = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Bob" });

        var full = await Assert.ThrowsAsync<CallServerException>(() => client.JoinAsync(roomId, new JoinOptions { DisplayName = "Cid" }));
        Assert.Equal(("room_full", false), (full.Code, full.Retry));
        var invalid = await Assert.ThrowsAsync<CallServerException>(() => client.JoinAsync("no spaces allowed", new JoinOptions { DisplayName = "Dan" }));
        Assert.Equal(("invalid_request", 400), (invalid.Code, invalid.Status));
    }

    [Fact]
    public async Task AnOfferAndAnAnswerGoBetweenTwoParticipantsAndABadSignalIsRefusedWithItsCode()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        await using var client = ClientOf(app);
        var roomId = NewRoom("signal");
        await using var ann = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Ann" });
        await using var bob = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Bob" });
        var offer = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.SignalReceived += s => offer.TrySetResult(s);
        ann.SignalReceived += s => answer.TrySetResult(s);

        await ann.SignalAsync(bob.ParticipantId, "offer", "v=0 offer");
        Assert.Equal(new SignalEvent(ann.ParticipantId, "offer", "v=0 offer"), await offer.Task.WaitAsync(Eventually.DefaultTimeout));
        await bob.SignalAsync(ann.ParticipantId, "answer", "v=0 answer");
        Assert.Equal(new SignalEvent(bob.ParticipantId, "answer", "v=0 answer"), await answer.Task.WaitAsync(Eventually.DefaultTimeout));

        var bad = await Assert.ThrowsAsync<CallServerException>(() => ann.SignalAsync(bob.ParticipantId, "not a type!", "x"));
        Assert.Equal(("invalid_request", false), (bad.Code, bad.Retry));
    }

    [Fact]
    public async Task ADroppedConnectionComesBackAsTheSameParticipantAndHearsTheRoomAgain()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        await using var client = ClientOf(app);
        var roomId = NewRoom("drop");
        await using var ann = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Ann" });
        await using var bob = await client.JoinAsync(roomId, new JoinOptions { DisplayName = "Bob" });
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Reconnecting += () => reconnecting.TrySetResult();
        bob.Reconnected += () => reconnected.TrySetResult();

        // the network drops Bob's connection (the server aborts it, as a dead socket)
        foreach (var connection in app.Service<CallServer.Hubs.RoomConnections>().OfParticipant(roomId, bob.ParticipantId))
        {
            connection.Abort();
        }

        await reconnecting.Task.WaitAsync(Eventually.DefaultTimeout);
        await reconnected.Task.WaitAsync(Eventually.DefaultTimeout);
        var changed = await ann.SetMediaAsync(false, false);
        await Eventually.TrueAsync(() => Task.FromResult(bob.Status.Version >= changed.Version), "Bob hears Ann's change after his reconnect");
        var server = await app.StatusAsync(roomId);
        Assert.Equal(2, server.Participants.Count);
        Assert.Equal("connected", server.Participants.Single(p => p.ParticipantId == bob.ParticipantId).Presence);
        // and his calls work on the new connection
        var mine = await bob.SetMediaAsync(true, false);
        Assert.True(bob.Status.Version >= mine.Version);
    }

    private static T Fields<T>(Participant p, Func<Participant, T> pick) => pick(p);

    private static int ContractVersionOf() => Contract.Version;
}
