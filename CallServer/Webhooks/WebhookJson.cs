using System.Text.Json.Serialization;

namespace CallServer.Webhooks;

/// <summary>Source-generated JSON of what webhooks keep in Redis and show to admins.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WebhookMessage))]
[JsonSerializable(typeof(WebhookDeadLetter))]
[JsonSerializable(typeof(List<WebhookDeadLetter>))]
[JsonSerializable(typeof(WebhookAttempt))]
[JsonSerializable(typeof(List<WebhookAttempt>))]
[JsonSerializable(typeof(WebhookRetry))]
internal sealed partial class WebhookJson : JsonSerializerContext;
