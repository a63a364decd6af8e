using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CallServer.Tests.Configuration;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Api;

/// <summary>The OpenAPI document the server serves is the one kept in docs/openapi.json, and describes the whole REST contract.</summary>
[Collection(RedisCollection.Name)]
public sealed class OpenApiDocumentTests(RedisServer redis)
{
    [Fact]
    public async Task TheServedDocumentIsTheOneInDocs()
    {
        using var app = new CallServerApplication(redis.ConnectionString).Start();
        using var client = app.CreateClient();

        var served = Normalized(await client.GetStringAsync("/openapi/v1.json"));
        var path = Path.Combine(ConfigurationReferenceTests.RepositoryRoot(), "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("UPDATE_GENERATED_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }

        Assert.True(File.Exists(path) && served == Normalized(await File.ReadAllTextAsync(path)),
            "docs/openapi.json differs from what the server serves: run `UPDATE_GENERATED_DOCS=1 dotnet test --filter OpenApiDocument` and commit it");
        var document = JsonNode.Parse(served)!;
        var join = document["paths"]!["/rooms/{roomId}/join"]!["post"]!;
        Assert.Equal("application/problem+json", join["responses"]!["422"]!["content"]!.AsObject().Single().Key);
        Assert.NotNull(join["requestBody"]);
        Assert.Equal(["adminKey", "joinToken", "participantToken", "userToken"], document["components"]!["securitySchemes"]!.AsObject().Select(s => s.Key).Order());
        Assert.Equal("adminKey", document["paths"]!["/rooms"]!["get"]!["security"]![0]!.AsObject().Single().Key);
        foreach (var route in new[] { "/rooms/{roomId}/leave", "/rooms/{roomId}", "/calls/{callId}", "/webhooks/failed/{id}/retry", "/rooms/{roomId}/participants/{participantId}/mute" })
        {
            Assert.NotNull(document["paths"]![route]);
        }

        Assert.Contains("docs/API.md", (string?)document["info"]!["description"]);
    }

    [Fact]
    public async Task TheReferencePageIsASettingInProduction()
    {
        using var off = new CallServerApplication(redis.ConnectionString).Start();
        using var on = new CallServerApplication(redis.ConnectionString, settings: new Dictionary<string, string?> { ["ApiDocs:ServeReference"] = "true" }).Start();

        Assert.Equal(HttpStatusCode.NotFound, (await off.CreateClient().GetAsync("/docs")).StatusCode);
        var page = await on.CreateClient().GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("scalar", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    private static string Normalized(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
