using CallServer.Supervision;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace CallServer.Webhooks;

internal static class WebhooksSetup
{
    /// <summary>Signed webhooks of room events to the app's backend, when <c>Webhooks:Endpoints</c> lists any.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhooksOptions>().BindConfiguration(WebhooksOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WebhookEndpoints>();
        builder.Services.AddSingleton<WebhookQueue>();
        builder.Services.AddSingleton<IWebhookLanes>(services => services.GetRequiredService<WebhookQueue>());
        builder.Services.AddSingleton<WebhookHealth>();
        builder.Services.AddSingleton<IWebhookTransport, WebhookDelivery>();
        // each attempt is bounded by the resilience pipeline's timeout; the retries, their order and their durability are ours
        builder.Services.AddHttpClient(WebhookDelivery.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .AddResilienceHandler("webhook-attempt", (pipeline, context) =>
                pipeline.AddTimeout(new HttpTimeoutStrategyOptions
                {
                    Timeout = TimeSpan.FromSeconds(context.ServiceProvider.GetRequiredService<IOptions<WebhooksOptions>>().Value.TimeoutSeconds),
                }));
        builder.Services.AddHealthChecks().AddCheck<WebhookHealth>("webhooks", tags: ["ready"]);
        if (builder.Configuration.GetSection($"{WebhooksOptions.Section}:Endpoints").GetChildren().Any())
        {
            builder.Services.AddSupervised<WebhookSender>("webhook-sender", HealthStatus.Degraded);
        }

        return builder;
    }
}
