using CallServer.Errors;
using CallServer.Hubs;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Errors;

/// <summary>docs/API.md §8 lists exactly the error codes and close reasons the server gives (milliseconds, no services).</summary>
public sealed class ErrorCodesDocTests
{
    [Fact]
    public void TheErrorCodeAndCloseReasonTablesAreTheOnesTheCatalogsMake()
    {
        GeneratedDocBlock.Check("API.md", doc => GeneratedDocBlock.Replace(
            GeneratedDocBlock.Replace(doc, "error-codes", "| code | HTTP | retry | meaning |\n|---|---|---|---|",
                ErrorCodes.All.Select(c => $"| `{c.Code}` | {c.Status} | {YesNo(c.Retry)} | {c.Meaning} |")),
            "close-reasons", "| reason | reconnect | meaning |\n|---|---|---|",
            CloseReason.All.Select(r => $"| `{r.Code}` | {YesNo(r.Reconnect)} | {r.Meaning} |")), nameof(ErrorCodesDocTests));
        // every code is distinct, and so is every type URI
        Assert.Equal(ErrorCodes.All.Count, ErrorCodes.All.Select(c => c.Type).Distinct().Count());
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}
