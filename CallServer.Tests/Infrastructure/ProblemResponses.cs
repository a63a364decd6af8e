using System.Text.Json;

namespace CallServer.Tests.Infrastructure;

/// <summary>The error code of a REST answer, as an app reads it (docs/API.md §8).</summary>
internal static class ProblemResponses
{
    /// <summary>The ProblemDetails' <c>code</c>, after checking that its <c>type</c> names the same code.</summary>
    public static async Task<string?> ErrorCodeAsync(this HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (!problem.RootElement.TryGetProperty("code", out var code))
        {
            return null;
        }

        Assert.Equal("urn:callserver:error:" + code.GetString(), problem.RootElement.GetProperty("type").GetString());
        return code.GetString();
    }
}
