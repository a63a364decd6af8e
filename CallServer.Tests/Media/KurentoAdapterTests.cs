using System.Text.Json;
using CallServer.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CallServer.Tests.Media;

/// <summary>The Kurento adapter against a fake KMS that follows Kurento's published protocol (KMS cannot be installed here).</summary>
[Collection(RedisCollection.Name)]
public sealed class KurentoAdapterTests(RedisServer redis) : IAsyncLifetime
{
    private const string BrowserOffer = "v=0\r\no=- 5 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=sendonly\r\n";
    private const string BrowserAnswer = "v=0\r\no=- 6 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=recvonly\r\n";
    private FakeKurento _kms = null!;
    private CallServerApplication _app = null!;

    public async Task InitializeAsync()
    {
        _kms = await FakeKurento.StartAsync();
        _app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Media:Mode"] = "kurento",
            ["Media:Kurento:Url"] = _kms.Url,
            ["Media:Kurento:RequestTimeoutSeconds"] = "3",
        }).Start();
    }

    public Task DisposeAsync() => _app.DisposeBeforeAsync(() => _kms.DisposeAsync().AsTask());

    [Fact]
    public async Task PublishSubscribeCandidatesReleaseAndRebuildAfterInvalidSession()
    {
        var room = "kms-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        var bob = await _app.JoinAsync(room, "Bob");
        await using var annHub = await _app.ConnectAsync(ann);
        await using var bobHub = await _app.ConnectAsync(bob);
        Assert.Equal("kurento", ann.MediaMode);

        // publish: a pipeline for the call, an endpoint that processes the offer, its candidates back to the publisher
        var answer = await annHub.Connection.InvokeAsync<string>("Publish", BrowserOffer);
        Assert.Equal(FakeKurento.AnswerSdp, answer);
        var pipeline = Assert.Single(_kms.Live("MediaPipeline")).Id;
        var annEndpoint = Assert.Single(_kms.Live("WebRtcEndpoint")).Id;
        Assert.StartsWith(pipeline + "/", annEndpoint, StringComparison.Ordinal);
        var fromKms = await annHub.WaitForCandidateAsync("publish");
        Assert.Equal(FakeKurento.Candidate, JsonDocument.Parse(fromKms.Candidate).RootElement.GetProperty("candidate").GetString());

        // the client's candidates go to the publisher's endpoint as kurento IceCandidates
        await annHub.Connection.InvokeAsync("Trickle", "publish", "{\"candidate\":\"candidate:9 1 udp 2122260223 127.0.0.1 50000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"u\"}");
        await annHub.Connection.InvokeAsync("Trickle", "publish", "{\"completed\":true}");
        var given = Assert.Single(_kms.Candidates);
        Assert.Equal(annEndpoint, given.Object);
        Assert.Equal(("kurento", "IceCandidate", "0", 0), ((string)given.Candidate["__module__"]!, (string)given.Candidate["__type__"]!, (string)given.Candidate["sdpMid"]!, (int)given.Candidate["sdpMLineIndex"]!));

        // subscribe: a second endpoint fed by the publisher's, KMS offers, the subscriber answers
        var offer = await bobHub.Connection.InvokeAsync<string>("Subscribe", ann.ParticipantId);
        Assert.Equal(FakeKurento.OfferSdp, offer);
        var bobEndpoint = Assert.Single(_kms.Live("WebRtcEndpoint"), e => e.Id != annEndpoint).Id;
        Assert.Equal([bobEndpoint], _kms.Connections(annEndpoint));
        await bobHub.Connection.InvokeAsync("Answer", ann.ParticipantId, BrowserAnswer);
        Assert.Contains($"invoke processAnswer {bobEndpoint}", _kms.Requests);
        await bobHub.WaitForCandidateAsync(ann.ParticipantId);
        var unknown = await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync<string>("Subscribe", bob.ParticipantId));
        Assert.Contains("not publishing", unknown.Message);

        // leaving releases what the participant had
        await bobHub.Connection.InvokeAsync("Leave");
        await Eventually.TrueAsync(() => Task.FromResult(_kms.Live("WebRtcEndpoint").All(e => e.Id != bobEndpoint)), "Bob's endpoint released");

        // KMS restarts: INVALID_SESSION on resume, a new session, the publisher is asked to renegotiate and gets a new pipeline
        await _kms.RestartAsync();
        var renegotiate = await annHub.WaitForSignalAsync(s => s.Type == "renegotiate", "renegotiate at Ann");
        Assert.Equal("media-server", renegotiate.From);
        Assert.Equal(FakeKurento.AnswerSdp, await annHub.Connection.InvokeAsync<string>("Publish", BrowserOffer));
        var rebuilt = Assert.Single(_kms.Live("MediaPipeline")).Id;
        Assert.NotEqual(pipeline, rebuilt);
        Assert.Contains(_kms.Requests, r => r.StartsWith("connect", StringComparison.Ordinal));

        // the call ends: its pipeline is released
        using var admin = _app.Admin();
        (await admin.DeleteAsync($"/rooms/{room}")).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => Task.FromResult(_kms.Live("MediaPipeline").Count == 0), "pipeline released at the end of the call");
    }

    [Fact]
    public async Task BadSdpAndAnUnreachableKurentoGiveClearErrors()
    {
        var room = "kms-bad-" + Guid.NewGuid().ToString("N")[..8];
        var ann = await _app.JoinAsync(room, "Ann");
        await using var annHub = await _app.ConnectAsync(ann);

        var bad = await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync<string>("Publish", "v=1 not sdp"));
        Assert.Contains("Bad SDP", bad.Message);
        Assert.Contains("HubException: [invalid_media] ", bad.Message, StringComparison.Ordinal);

        await _kms.DisposeAsync();
        var down = await Assert.ThrowsAsync<HubException>(() => annHub.Connection.InvokeAsync<string>("Publish", BrowserOffer));
        Assert.Contains("media server is unavailable", down.Message);
        Assert.Contains("HubException: [media_unavailable] ", down.Message, StringComparison.Ordinal);
        var status = await annHub.Connection.InvokeAsync<CallServer.Domain.Rooms.RoomStatus>("SetMedia", false, true);
        Assert.Single(status.Participants);
        _kms = await FakeKurento.StartAsync();
    }
}
