using System.Net;
using System.Net.Http.Json;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Limits;

/// <summary>Per-address rate limits on REST (behind a known proxy, by the forwarded address), and the caps on requests.</summary>
[Collection(RedisCollection.Name)]
public sealed class RateLimitTests(RedisServer redis)
{
    [Fact]
    public async Task AJoinFloodFromOneAddressMeets429WhileAnotherAddressStillJoins()
    {
        // loopback is a trusted proxy by default: the tests speak for two clients through X-Forwarded-For
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Limits:JoinsPerMinute"] = "5" }).Start();
        var flooded = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 20; i++)
        {
            var response = await JoinFromAsync(app, "203.0.113.7", $"flood-{Guid.NewGuid():N}"[..20]);
            flooded.Add(response.StatusCode);
            refused ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        using var other = await JoinFromAsync(app, "198.51.100.9", "calm-" + Guid.NewGuid().ToString("N")[..8]);

        // a bucket of 5, refilled by one every 12 s
        Assert.InRange(flooded.Count(s => s == HttpStatusCode.OK), 5, 6);
        Assert.Equal(20, flooded.Count(s => s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
        Assert.NotNull(refused);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Contains("Too many join requests", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task ARequestBodyAboveTheLimitGets413ProblemDetails()
    {
        using var app = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["Limits:MaxRequestBodyBytes"] = "2048" }).Start();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/rooms/big-body/join", JsonContent.Create(new { displayName = "Ann", padding = new string('x', 4096) }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin().GetAsync("/rooms/big-body")).StatusCode);
    }

    private static async Task<HttpResponseMessage> JoinFromAsync(CallServerApplication app, string address, string room)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/rooms/{room}/join") { Content = JsonContent.Create(new { displayName = "Ann" }) };
        request.Headers.Add("X-Forwarded-For", address);
        return await app.CreateClient().SendAsync(request);
    }
}
