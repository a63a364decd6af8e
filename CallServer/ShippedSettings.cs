namespace CallServer;

internal static class ShippedSettings
{
    /// <summary>
    /// The published browser client beside the binaries, when the server is started from another folder
    /// (<c>dotnet /app/CallServer.dll</c> from anywhere); null keeps the default (<c>wwwroot</c> under the content root).
    /// </summary>
    public static string? WebRoot()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return !Directory.Exists(Path.Combine(Directory.GetCurrentDirectory(), "wwwroot")) && Directory.Exists(shipped) ? shipped : null;
    }

    /// <summary>
    /// Reads the repository's appsettings.json (copied beside the binaries) when the content root has none, as under
    /// <c>dotnet run --project CallServer</c>; environment variables and the command line still override it.
    /// </summary>
    public static ConfigurationManager AddShippedSettings(this ConfigurationManager configuration)
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var contentRoot = configuration[WebHostDefaults.ContentRootKey] ?? Directory.GetCurrentDirectory();
        if (File.Exists(Path.Combine(contentRoot, "appsettings.json")) || !File.Exists(shipped))
        {
            return configuration;
        }

        var sources = (IList<IConfigurationSource>)configuration.Sources;
        // just before the app's environment variables (the last such source), so that they and the command line still win
        var index = sources.Select((s, i) => (s, i)).LastOrDefault(x => x.s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource).i;
        sources.Insert(index, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
        });
        return configuration;
    }
}
