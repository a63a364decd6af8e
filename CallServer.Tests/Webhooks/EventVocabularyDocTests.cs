using System.Text.Json;
using CallServer.Domain.Rooms;
using CallServer.Events;
using CallServer.Tests.Infrastructure;
using CallServer.Webhooks;

namespace CallServer.Tests.Webhooks;

/// <summary>docs/API.md §7's table of event types is the one the event records make, and names every kind (milliseconds).</summary>
public sealed class EventVocabularyDocTests
{
    [Fact]
    public void TheEventTypeTableIsTheOneTheEventRecordsMake()
    {
        GeneratedDocBlock.Check("API.md", doc => GeneratedDocBlock.Replace(doc, "event-types", "| type | when | details | default filter |\n|---|---|---|---|",
            EventNames.Catalog.Select(e => $"| `{e.Name}` | {e.When} | {Details(e.Example)} | {(WebhookEventTypes.Default.Contains(e.Name) ? "yes" : "no")} |")),
            nameof(EventVocabularyDocTests));
        // every kind of room event but the unknown one has a row, and every webhook type but room.failed is a name of the catalog
        var kinds = typeof(RoomFact).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(RoomFact)) && !t.IsAbstract && t != typeof(UnknownFact));
        Assert.All(kinds, k => Assert.Contains(EventNames.Catalog, e => e.Example.GetType() == k));
        Assert.Equal(WebhookEventTypes.All.Order().ToList(), EventNames.Catalog.Select(e => e.Name).Append(WebhookEventTypes.RoomFailed).Order().ToList());
    }

    private static string Details(RoomFact example) =>
        string.Join(", ", EventNames.Details(example).Select(d => $"`{d.Key}` ({Kind(d.Value!.GetValueKind())})"));

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "integer",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => kind.ToString(),
    };
}
