using CallServer.Backup;
using CallServer.Limits;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallServer.Api;

internal static class ApiSetup
{
    /// <summary>REST endpoints: ProblemDetails for every error, JSON, idempotent replies on the backup store.</summary>
    public static IHostApplicationBuilder AddApi(this IHostApplicationBuilder builder)
    {
        // every answer's error code: docs/API.md §8
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c => Errors.ProblemCodes.Fill(c.ProblemDetails, c.HttpContext.Response.StatusCode));
        builder.Services.AddExceptionHandler<ProblemHandler>();
        // bad bodies throw, so that ProblemHandler can answer them with ProblemDetails
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, Webhooks.WebhookJson.Default);
        });
        builder.Services.AddSingleton<AdminAccess>();
        builder.Services.AddSingleton<IdempotentReplies>();
        builder.Services.AddSingleton<JoinAnswers>();
        builder.Services.AddStackExchangeRedisCache(_ => { });
        builder.Services.AddOptions<Microsoft.Extensions.Caching.StackExchangeRedis.RedisCacheOptions>()
            .Configure<IServiceProvider>((cache, services) =>
            {
                cache.InstanceName = services.GetRequiredService<RedisKeys>().Idempotency;
                cache.ConnectionMultiplexerFactory = () => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>());
            });
        return builder;
    }

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder app)
    {
        // every REST body is small: a display name, a mute, a room's metadata
        var limits = app.ServiceProvider.GetRequiredService<IOptions<LimitsOptions>>().Value;
        var api = app.MapGroup("").WithMetadata(new RequestBodyLimit(limits.MaxRequestBodyBytes));
        api.MapRooms();
        api.MapModeration();
        api.MapCalls();
        api.MapWebhooks();
        api.MapInvitations();
        api.MapRecentCalls();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthReportWriter.WriteAsync });
        return app;
    }
}
