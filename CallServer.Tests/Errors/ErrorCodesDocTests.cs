using CallServer.Errors;
using CallServer.Hubs;
using CallServer.Tests.Configuration;

namespace CallServer.Tests.Errors;

/// <summary>docs/API.md §8 lists exactly the error codes and close reasons the server gives (milliseconds, no services).</summary>
public sealed class ErrorCodesDocTests
{
    [Fact]
    public void TheErrorCodeAndCloseReasonTablesAreTheOnesTheCatalogsMake()
    {
        var path = Path.Combine(ConfigurationReferenceTests.RepositoryRoot(), "docs", "API.md");
        var doc = File.ReadAllText(path);
        var codes = ErrorCodes.All.Select(c => $"| `{c.Code}` | {c.Status} | {YesNo(c.Retry)} | {c.Meaning} |");
        var reasons = CloseReason.All.Select(r => $"| `{r.Code}` | {YesNo(r.Reconnect)} | {r.Meaning} |");
        var updated = Replace(Replace(doc, "error-codes", "| code | HTTP | retry | meaning |\n|---|---|---|---|", codes),
            "close-reasons", "| reason | reconnect | meaning |\n|---|---|---|", reasons);
        if (Environment.GetEnvironmentVariable("UPDATE_GENERATED_DOCS") == "1")
        {
            File.WriteAllText(path, updated);
        }

        Assert.True(updated == doc, "docs/API.md §8 is stale: run `UPDATE_GENERATED_DOCS=1 dotnet test --filter ErrorCodesDocTests` and commit it");
        // every code is distinct, and so is every type URI
        Assert.Equal(ErrorCodes.All.Count, ErrorCodes.All.Select(c => c.Type).Distinct().Count());
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>The block between <c>&lt;!-- name: … --&gt;</c> and <c>&lt;!-- /name --&gt;</c> made of the header and rows.</summary>
    private static string Replace(string doc, string name, string header, IEnumerable<string> rows)
    {
        var start = doc.IndexOf($"<!-- {name}:", StringComparison.Ordinal);
        var end = doc.IndexOf($"<!-- /{name} -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/API.md has no <!-- {name}: --> block");
        var firstLineEnd = doc.IndexOf('\n', start) + 1;
        return doc[..firstLineEnd] + header + "\n" + string.Join("\n", rows) + "\n" + doc[end..];
    }
}
