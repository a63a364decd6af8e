using System.Security.Cryptography;
using System.Text;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Media;

[Collection(RedisCollection.Name)]
public sealed class IceServerTests(RedisServer redis)
{
    [Fact]
    public async Task JoinHandsOutIceServersWithShortLivedTurnCredentialsFromTheSharedSecret()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Media:IceServers:0:Urls:0"] = "stun:stun.example.org:3478",
            ["Media:IceServers:1:Urls:0"] = "turn:turn.example.org:3478?transport=udp",
            ["Media:IceServers:1:Urls:1"] = "turns:turn.example.org:5349",
            ["Media:IceServers:2:Urls:0"] = "turn:fixed.example.org:3478",
            ["Media:IceServers:2:Username"] = "fixed-user",
            ["Media:IceServers:2:Credential"] = "fixed-pass",
            ["Media:TurnSecret"] = "coturn-static-auth-secret",
            ["Media:TurnCredentialTtlSeconds"] = "600",
        }).Start();

        var joined = await app.JoinAsync("ice-" + Guid.NewGuid().ToString("N")[..8], "Ann");

        Assert.Equal(3, joined.IceServers.Count);
        Assert.Equal(["stun:stun.example.org:3478"], joined.IceServers[0].Urls);
        Assert.Null(joined.IceServers[0].Username);
        var turn = joined.IceServers[1];
        var expiry = long.Parse(turn.Username!.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(joined.ParticipantId, turn.Username.Split(':')[1]);
        Assert.InRange(expiry - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 590, 610);
        // what coturn (use-auth-secret) computes to check it: base64(HMAC-SHA1(secret, username))
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes("coturn-static-auth-secret"), Encoding.UTF8.GetBytes(turn.Username)));
        Assert.Equal(expected, turn.Credential);
        Assert.Equal(("fixed-user", "fixed-pass"), (joined.IceServers[2].Username, joined.IceServers[2].Credential));
    }

    [Fact]
    public void AnUnknownMediaModeStopsTheStartWithAClearMessage()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Media:Mode"] = "webrtc-magic" });

        var error = Assert.ThrowsAny<Exception>(() => app.Start());

        Assert.Contains("Media:Mode is mesh, janus or kurento", error.ToString());
    }
}
