namespace CallServer.Tests.Infrastructure;

/// <summary>A table in a doc generated from the code: the block between <c>&lt;!-- name: … --&gt;</c> and <c>&lt;!-- /name --&gt;</c>.</summary>
internal static class GeneratedDocBlock
{
    /// <summary><paramref name="doc"/> with the block <paramref name="name"/> made of <paramref name="header"/> and <paramref name="rows"/>.</summary>
    public static string Replace(string doc, string name, string header, IEnumerable<string> rows)
    {
        var start = doc.IndexOf($"<!-- {name}:", StringComparison.Ordinal);
        var end = doc.IndexOf($"<!-- /{name} -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"the doc has no <!-- {name}: --> block");
        var firstLineEnd = doc.IndexOf('\n', start) + 1;
        return doc[..firstLineEnd] + header + "\n" + string.Join("\n", rows) + "\n" + doc[end..];
    }

    /// <summary>Checks docs/<paramref name="file"/> against <paramref name="generate"/>; rewrites it with UPDATE_GENERATED_DOCS=1.</summary>
    public static void Check(string file, Func<string, string> generate, string testName)
    {
        var path = Path.Combine(Configuration.ConfigurationReferenceTests.RepositoryRoot(), "docs", file);
        var doc = File.ReadAllText(path);
        var updated = generate(doc);
        if (Environment.GetEnvironmentVariable("UPDATE_GENERATED_DOCS") == "1")
        {
            File.WriteAllText(path, updated);
        }

        Assert.True(updated == doc, $"docs/{file} is stale: run `UPDATE_GENERATED_DOCS=1 dotnet test --filter {testName}` and commit it");
    }
}
