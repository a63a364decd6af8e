using CallServer.History;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Webhooks;

/// <summary>The webhooks a call's history must have produced, as docs/API.md §7 names them: the receiver's view to compare.</summary>
internal static class WebhookContract
{
    public static List<(string Id, string Type)> Expected(CallDetails call, bool allTypes) =>
        [.. call.Events.SelectMany(e => Types(e).Where(t => allTypes || CallServer.Webhooks.WebhookEventTypes.Default.Contains(t))
            .Select(t => (t == "room.failed" ? $"evt_{call.CallId}_{e.Seq}_failed" : $"evt_{call.CallId}_{e.Seq}", t)))];

    public static List<(string Id, string Type)> Seen(IEnumerable<ReceivedWebhook> webhooks) => [.. webhooks.Select(w => (w.Id, w.Type))];

    /// <summary>The history's name of the event is its webhook's type; a failed room's end is preceded by room.failed.</summary>
    private static string[] Types(CallEventRecord e) =>
        e.Type == "call_ended" && e.Data?.GetValueOrDefault("reason") == "failed" ? ["room.failed", "call.ended"]
        : e.Event is { } name ? [name]
        : [];
}
