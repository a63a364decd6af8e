using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallServer.Domain.Rooms;
using CallServer.Hubs;
using CallServer.Tests.History;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static CallServer.Tests.Infrastructure.JoinTokenMinter;

namespace CallServer.Tests.Auth;

/// <summary>One participant per identity, moderation by admin participants and by the admin key, and in-call data.</summary>
[Collection(RedisCollection.Name)]
public sealed class ModerationTests(RedisServer redis) : IDisposable
{
    private readonly CallServerApplication _app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
    {
        ["Auth:JoinSecret"] = Secret,
    }).Start();

    public void Dispose() => _app.Dispose();

    private static string NewRoom() => "mod-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task TheSameIdentityJoiningAgainReplacesTheOlderParticipant()
    {
        var room = NewRoom();
        var first = await JoinedAsync(_app, room, "ann");
        var bob = await JoinedAsync(_app, room, "bob");
        await using var firstHub = await _app.ConnectAsync(first);

        var second = await JoinedAsync(_app, room, "ann");

        var removed = await firstHub.WaitForRemovedAsync();
        Assert.Equal((first.ParticipantId, "replaced"), (removed.ParticipantId, removed.Reason));
        await firstHub.Closed.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal([new ClosingMessage("removed", false)], firstHub.Closings);
        Assert.Equal([bob.ParticipantId, second.ParticipantId], second.Room.Participants.Select(p => p.ParticipantId));
        Assert.Single(second.Room.Participants, p => p.Identity == "ann");
        // the older participant's token opens no connection any more: the server closes it at once
        await using var stale = await _app.ConnectAsync(first, waitUntilConnected: false);
        var refused = await stale.Closed.WaitAsync(Eventually.DefaultTimeout);
        Assert.Contains("[not_in_room] Participant", refused!.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.WithToken(first.Token).GetAsync($"/rooms/{room}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.WithToken(second.Token).GetAsync($"/rooms/{room}")).StatusCode);

        (await _app.Admin().DeleteAsync($"/rooms/{room}")).EnsureSuccessStatusCode();
        var call = await CallHistoryTests.EndedCallAsync(_app, first.Room.CallId!);
        Assert.Equal(("replaced", "ann"), (call.Participants.Single(p => p.ParticipantId == first.ParticipantId).LeaveReason, call.Participants.Single(p => p.ParticipantId == first.ParticipantId).Identity));
        // every event about a participant carries its identity
        Assert.All(call.Events.Where(e => e.ParticipantId is not null), e => Assert.Equal(e.ParticipantId == bob.ParticipantId ? "bob" : "ann", e.Identity));
    }

    [Fact]
    public async Task AnAdminParticipantMutesAndKicksAndOthersMayNot()
    {
        var room = NewRoom();
        var host = await JoinedAsync(_app, room, "host", Grants(admin: true));
        var bob = await JoinedAsync(_app, room, "bob");
        await using var hostHub = await _app.ConnectAsync(host);
        await using var bobHub = await _app.ConnectAsync(bob);

        var refused = await Assert.ThrowsAsync<HubException>(() => bobHub.Connection.InvokeAsync("MuteParticipant", host.ParticipantId, false, true));
        Assert.Contains("admin grant", refused.Message);

        await hostHub.Connection.InvokeAsync("MuteParticipant", bob.ParticipantId, false, true);
        var muted = await bobHub.WaitForSignalAsync(s => s.From == "server" && s.Type == "muted", "muted at Bob");
        Assert.Equal(JsonSerializer.Serialize(new { audio = true, video = false }), muted.Payload);
        Assert.False((await _app.StatusAsync(room)).Participants.Single(p => p.ParticipantId == bob.ParticipantId).Audio);

        await hostHub.Connection.InvokeAsync("RemoveParticipant", bob.ParticipantId);
        Assert.Equal("kicked", (await bobHub.WaitForRemovedAsync()).Reason);
        // a kicked identity may not come back into this call at once
        using var again = await JoinAsync(_app, room, Token(room, "bob"), "Bob");
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Equal("banned", await again.ErrorCodeAsync());
    }

    [Fact]
    public async Task MuteSaysWhatItTurnsOffOnTheHubAndOverRestAndRefusesAMuteOfNothing()
    {
        var room = NewRoom();
        var host = await JoinedAsync(_app, room, "host", Grants(admin: true));
        var bob = await JoinedAsync(_app, room, "bob");
        await using var hostHub = await _app.ConnectAsync(host);
        await using var bobHub = await _app.ConnectAsync(bob);

        // the hub: true turns off; the answer is the new status; Bob hears who turned what off, as an object
        var afterHub = await hostHub.Connection.InvokeAsync<RoomStatus>("Mute", bob.ParticipantId, true, false);
        Assert.Equal((false, true), Media(afterHub, bob.ParticipantId));
        var byHost = await bobHub.WaitForMutedAsync(m => m.MuteAudio, "muted audio at Bob");
        Assert.Equal(new MutedMessage(room, bob.ParticipantId, host.ParticipantId, true, false), byHost);
        // older clients still get the signal
        await bobHub.WaitForSignalAsync(s => s.From == "server" && s.Type == "muted", "the muted signal at Bob");

        // REST, the explicit form: the camera now, by the app's backend
        using var overRest = await _app.Admin().PostAsJsonAsync($"/rooms/{room}/participants/{bob.ParticipantId}/mute", new { muteVideo = true });
        overRest.EnsureSuccessStatusCode();
        Assert.Equal((false, false), Media((await overRest.Content.ReadFromJsonAsync<RoomStatus>())!, bob.ParticipantId));
        Assert.Equal(new MutedMessage(room, bob.ParticipantId, null, false, true), await bobHub.WaitForMutedAsync(m => m.MuteVideo, "muted video at Bob"));

        // a mute that turns nothing off is refused, on both
        using var nothing = await _app.Admin().PostAsJsonAsync($"/rooms/{room}/participants/{bob.ParticipantId}/mute", new { audio = true });
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        var refused = await Assert.ThrowsAsync<HubException>(() => hostHub.Connection.InvokeAsync<RoomStatus>("Mute", bob.ParticipantId, false, false));
        Assert.Contains("HubException: [invalid_request] ", refused.Message, StringComparison.Ordinal);
        // the other moderation methods answer the new status too
        var kicked = await hostHub.Connection.InvokeAsync<RoomStatus>("RemoveParticipant", bob.ParticipantId);
        Assert.DoesNotContain(kicked.Participants, p => p.ParticipantId == bob.ParticipantId);
    }

    private static (bool Audio, bool Video) Media(RoomStatus status, string participantId) =>
        status.Participants.Single(p => p.ParticipantId == participantId) is var p ? (p.Audio, p.Video) : default;

    [Fact]
    public async Task EveryoneSetsItsOwnMetadataAndOnlyAnAdminTheRooms()
    {
        var room = NewRoom();
        var host = await JoinedAsync(_app, room, "host", Grants(admin: true));
        var bob = await JoinedAsync(_app, room, "bob");
        await using var hostHub = await _app.ConnectAsync(host);
        await using var bobHub = await _app.ConnectAsync(bob);

        var mine = await bobHub.Connection.InvokeAsync<RoomStatus>("SetMetadata", "hand raised");
        var refused = await Assert.ThrowsAsync<HubException>(() => bobHub.Connection.InvokeAsync<RoomStatus>("SetRoomMetadata", "bob's room"));
        var tooLong = await Assert.ThrowsAsync<HubException>(() => bobHub.Connection.InvokeAsync<RoomStatus>("SetMetadata", new string('x', 1025)));
        var topic = await hostHub.Connection.InvokeAsync<RoomStatus>("SetRoomMetadata", "weekly sync");

        Assert.Equal("hand raised", mine.Participants.Single(p => p.ParticipantId == bob.ParticipantId).Metadata);
        Assert.Contains("admin grant", refused.Message);
        Assert.Contains("at most 1024", tooLong.Message);
        Assert.Equal("weekly sync", topic.Metadata);
        await bobHub.WaitForStatusAsync(s => s.Metadata == "weekly sync", "the room's metadata at Bob");
    }

    [Fact]
    public async Task TheAdminKeyModeratesOverRest()
    {
        var room = NewRoom();
        var ann = await JoinedAsync(_app, room, "ann");
        await JoinedAsync(_app, room, "bob");
        using var admin = _app.Admin();

        using var mute = await admin.PostAsJsonAsync($"/rooms/{room}/participants/{ann.ParticipantId}/mute", new { audio = false, video = false });
        using var metadata = await admin.PatchAsJsonAsync($"/rooms/{room}", new { metadata = "topic: standup" });
        using var kick = await admin.DeleteAsync($"/rooms/{room}/participants/{ann.ParticipantId}");
        using var anonymous = await _app.CreateClient().DeleteAsync($"/rooms/{room}/participants/{ann.ParticipantId}");

        Assert.False((await mute.Content.ReadFromJsonAsync<RoomStatus>())!.Participants.Single(p => p.ParticipantId == ann.ParticipantId).Audio);
        Assert.Equal("topic: standup", (await metadata.Content.ReadFromJsonAsync<RoomStatus>())!.Metadata);
        Assert.DoesNotContain((await kick.Content.ReadFromJsonAsync<RoomStatus>())!.Participants, p => p.ParticipantId == ann.ParticipantId);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task DataReachesTheOthersOrOnlyTheListedOnesAndNeverAnotherRoom()
    {
        var room = NewRoom();
        var other = NewRoom();
        var ann = await _app.ConnectAsync(await JoinedAsync(_app, room, "ann"));
        var bob = await _app.ConnectAsync(await JoinedAsync(_app, room, "bob"));
        var cid = await _app.ConnectAsync(await JoinedAsync(_app, room, "cid"));
        var stranger = await _app.ConnectAsync(await JoinedAsync(_app, other, "dan"));
        await using (ann)
        await using (bob)
        await using (cid)
        await using (stranger)
        {
            await ann.Connection.InvokeAsync("SendData", "chat", "hello all", null);
            await ann.Connection.InvokeAsync("SendData", "chat", "psst bob", new[] { bob.ParticipantId });
            await Assert.ThrowsAsync<HubException>(() => ann.Connection.InvokeAsync("SendData", "chat", "hi", new[] { stranger.ParticipantId }));

            await bob.WaitForDataAsync(d => d.Payload == "psst bob", "the direct message at Bob");
            await cid.WaitForDataAsync(d => d.Payload == "hello all" && d.From == ann.ParticipantId && d.Type == "chat", "the broadcast at Cid");
            await bob.WaitForDataAsync(d => d.Payload == "hello all", "the broadcast at Bob");
            // Cid's own later message proves the earlier ones had their chance to arrive where they should not
            await cid.Connection.InvokeAsync("SendData", "chat", "marker", new[] { ann.ParticipantId });
            await ann.WaitForDataAsync(d => d.Payload == "marker", "the marker at Ann");
            Assert.DoesNotContain(cid.Data, d => d.Payload == "psst bob");
            Assert.Empty(stranger.Data);
            Assert.DoesNotContain(ann.Data, d => d.From == ann.ParticipantId);
        }
    }
}
