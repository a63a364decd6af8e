using Microsoft.Extensions.Options;

namespace CallServer.Auth;

/// <summary>Says once, at start-up, who may join: anyone (open mode, and how to close it), or holders of a backend-signed token.</summary>
internal sealed class JoinModeNotice(IOptions<AuthOptions> options, ILogger<JoinModeNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.JoinSecret))
        {
            AuthLog.OpenMode(logger);
        }
        else
        {
            AuthLog.TokensMode(logger, options.Value.MaxJoinTokenMinutes, !string.IsNullOrEmpty(options.Value.JoinSecretPrevious));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
