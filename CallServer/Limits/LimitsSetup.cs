using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using CallServer.Hubs;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CallServer.Limits;

internal static class LimitsSetup
{
    /// <summary>Rate limits per client address and per hub connection, and Kestrel's caps (docs/SECURITY.md).</summary>
    public static IHostApplicationBuilder AddLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) =>
        {
            // only from a trusted proxy (loopback by default): anyone else could name any address
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            proxy.Value.KnownProxies.ForEach(p => forwarded.KnownProxies.Add(IPAddress.Parse(p)));
            proxy.Value.KnownNetworks.ForEach(n => forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n)));
        });
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = RejectAsync;
            limiter.AddPolicy(RatePolicies.Join, http => PerAddress(http, l => l.JoinsPerMinute));
            limiter.AddPolicy(RatePolicies.Leave, http => PerAddress(http, l => l.LeavesPerMinute));
            limiter.AddPolicy(RatePolicies.Read, http => PerAddress(http, l => l.ReadsPerMinute));
            limiter.AddPolicy(RatePolicies.Admin, http => PerAddress(http, l => l.AdminPerMinute));
        });
        builder.Services.AddSingleton<HubCallerLimits>();
        builder.Services.AddSingleton<HubJoinLimits>();
        builder.Services.AddSingleton<HubRateFilter>();
        builder.Services.Configure<HubOptions>(hub =>
        {
            hub.MaximumReceiveMessageSize = HubLimits.MaxMessageBytes;
            hub.AddFilter<HubRateFilter>();
        });
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<LimitsOptions>, ILoggerFactory>((kestrel, limits, loggers) =>
        {
            var openFiles = OpenFileLimit.Current();
            var inUse = OpenFileLimit.InUse();
            var (http, upgraded) = OpenFileLimit.Fit(limits.Value.MaxConnections, limits.Value.MaxUpgradedConnections, openFiles, inUse);
            if (http < limits.Value.MaxConnections || upgraded < limits.Value.MaxUpgradedConnections)
            {
                LimitsLog.ConnectionLimitsLowered(loggers.CreateLogger(typeof(LimitsSetup)), http, upgraded, openFiles ?? 0, inUse ?? 0);
            }

            // beyond these Kestrel refuses the connection, instead of the process running out of file descriptors
            kestrel.Limits.MaxConcurrentConnections = http;
            kestrel.Limits.MaxConcurrentUpgradedConnections = upgraded;
        });
        return builder;
    }

    /// <summary>Believes a known proxy's forwarded address, then applies the rate limits; before anything that uses the address.</summary>
    public static IApplicationBuilder UseLimits(this IApplicationBuilder app) =>
        app.UseForwardedHeaders().UseRateLimiter();

    /// <summary>A token bucket per client address holding a minute's worth of requests, refilled evenly; 0 is no limit.</summary>
    private static RateLimitPartition<string> PerAddress(HttpContext http, Func<LimitsOptions, int> perMinute) =>
        PerMinute(ClientAddress.Of(http), perMinute(http.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value));

    /// <summary>A token bucket for <paramref name="key"/> holding <paramref name="limit"/>, refilled by as many a minute, evenly; 0 is no limit.</summary>
    internal static RateLimitPartition<string> PerMinute(string key, int limit)
    {
        if (limit <= 0)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        // refilled at most every 100 ms, a minute's worth per minute
        var tokensPerPeriod = (limit + 599) / 600;
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) * tokensPerPeriod / limit,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>The whole seconds (at least 1) after which a refused lease's limiter may answer yes.</summary>
    internal static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var seconds = RetryAfterSeconds(context.Lease);
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "these";
        LimitsLog.RateLimited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LimitsSetup)), policy, ClientAddress.Of(http));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Type = Errors.ErrorCodes.RateLimited.Type,
            Detail = $"Too many {policy} requests from this address; try again in {seconds} s.",
        };
        Errors.ProblemCodes.Fill(problem, StatusCodes.Status429TooManyRequests);
        // ProblemDetails whatever the client accepts (the service declines, for example, Accept: text/html)
        if (!await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }))
        {
            await http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
        }
    }
}
