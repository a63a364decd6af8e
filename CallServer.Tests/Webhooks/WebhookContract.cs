using CallServer.History;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.Webhooks;

/// <summary>The webhooks a call's history must have produced, as docs/API.md §7 names them: the receiver's view to compare.</summary>
internal static class WebhookContract
{
    public static List<(string Id, string Type)> Expected(CallDetails call, bool allTypes) =>
        [.. call.Events.SelectMany(e => Types(e).Where(t => allTypes || t != "participant.media_changed")
            .Select(t => (t == "room.failed" ? $"evt_{call.CallId}_{e.Seq}_failed" : $"evt_{call.CallId}_{e.Seq}", t)))];

    public static List<(string Id, string Type)> Seen(IEnumerable<ReceivedWebhook> webhooks) => [.. webhooks.Select(w => (w.Id, w.Type))];

    private static string[] Types(CallEventRecord e) => e.Type switch
    {
        "call_started" => ["call.started"],
        "call_ended" when e.Data?.GetValueOrDefault("reason") == "failed" => ["room.failed", "call.ended"],
        "call_ended" => ["call.ended"],
        "participant_joined" => ["participant.joined"],
        "participant_connected" => ["participant.connected"],
        "participant_reconnecting" => ["participant.reconnecting"],
        "participant_left" => ["participant.left"],
        "media_changed" => ["participant.media_changed"],
        _ => [],
    };
}
