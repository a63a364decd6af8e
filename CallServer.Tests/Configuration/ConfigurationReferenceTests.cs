using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Configuration;

/// <summary>docs/CONFIGURATION.md and the options classes cannot drift; a bad setting stops the start with one clear line.</summary>
public sealed class ConfigurationReferenceTests
{
    [Fact]
    public void TheConfigurationReferenceIsTheOneTheOptionsClassesMake()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "CONFIGURATION.md");
        var generated = ConfigurationReference.Generate();
        if (Environment.GetEnvironmentVariable("UPDATE_GENERATED_DOCS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), "docs/CONFIGURATION.md is missing: run this test with UPDATE_GENERATED_DOCS=1");
        Assert.True(generated == File.ReadAllText(path),
            "docs/CONFIGURATION.md is stale: run `UPDATE_GENERATED_DOCS=1 dotnet test --filter ConfigurationReference` and commit it");
        Assert.Contains("| `Limits:JoinsPerMinute` | 120 | 0 to 1000000 |", generated);
        Assert.Contains("| `Webhooks:Endpoints:N:Url` |", generated);
    }

    [Fact]
    public async Task ABadSettingStopsTheStartWithOneLineNamingItAndItsRule()
    {
        var (exitCode, errors) = await ServerProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Limits:JoinsPerMinute"] = "-5",
            ["Storage:DataDir"] = Directory.CreateTempSubdirectory("callserver-data-").FullName,
        });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("Limits:JoinsPerMinute", line);
        Assert.Contains("between 0 and 1000000", line);
    }

    [Fact]
    public async Task ASigningKeyEqualToTheJoinSecretStopsTheStart()
    {
        var key = new string('k', 40);
        var (exitCode, errors) = await ServerProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["Auth:SigningKey"] = key,
            ["Auth:JoinSecret"] = key,
            ["Storage:DataDir"] = Directory.CreateTempSubdirectory("callserver-data-").FullName,
        });

        Assert.Equal(1, exitCode);
        Assert.Contains("Auth:SigningKey must differ from Auth:JoinSecret", errors);
    }

    /// <summary>The checkout this test runs from (the folder holding CallServer.sln).</summary>
    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CallServer.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("no CallServer.sln above " + AppContext.BaseDirectory);
    }
}
