using System.Collections.Immutable;
using CallServer.Backup;
using CallServer.Domain.History;
using CallServer.Domain.Rooms;
using CallServer.History;
using CallServer.Webhooks;

namespace CallServer.Tests.Rooms;

/// <summary>
/// Every kind of room event has an explicit decision in every consumer (history's projection, the webhooks' types and payload,
/// the clients' notices), and reads back from its stored shape as the same kind: a new kind that a consumer forgets fails here,
/// rather than being dropped without a word. No services: milliseconds.
/// </summary>
public sealed class RoomFactConsumersTests
{
    private static readonly List<Type> Kinds =
        [.. typeof(RoomFact).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(RoomFact)) && !t.IsAbstract).OrderBy(t => t.Name)];

    [Fact]
    public void EveryConsumerDecidesEveryKindOfRoomEventIncludingOneThisVersionDoesNotKnow()
    {
        Assert.Contains(typeof(UnknownFact), Kinds);
        Assert.True(Kinds.Count >= 9, string.Join(", ", Kinds.Select(k => k.Name)));
        foreach (var kind in Kinds)
        {
            var stored = Stored(Sample(kind));

            Assert.Equal(kind, stored.Fact.GetType());
            var decisions = Record.Exception(() =>
            {
                _ = HistoryStore.ProjectionOf(stored.Fact);
                _ = RecentCallsProjection.Apply(ImmutableDictionary<string, RecentCall>.Empty, stored, stored.Fact);
                _ = WebhookEventTypes.Of(stored.Fact, stored.ParticipantId).Select(t => WebhookMessage.From(stored, stored.Fact, t, 1)).ToList();
                _ = RoomUpdate.NoticeOf(stored);
                _ = Events.EventNames.Of(stored.Fact, stored.ParticipantId);
                _ = Events.EventNames.Details(stored.Fact);
            });
            Assert.True(decisions is null, $"{kind.Name}: {decisions?.Message}");
        }
    }

    [Fact]
    public void AConsumerWithoutADecisionForAKindFailsLoudly()
    {
        var untaught = new FutureKind();

        Assert.Throws<UnhandledRoomFactException>(() => HistoryStore.ProjectionOf(untaught));
        Assert.Throws<UnhandledRoomFactException>(() => RecentCallsProjection.Apply(
            ImmutableDictionary<string, RecentCall>.Empty, new RoomEvent("c", "r", 1, "future", null, DateTimeOffset.UnixEpoch, null), untaught));
        Assert.Throws<UnhandledRoomFactException>(() => WebhookEventTypes.Of(untaught, null).ToList());
        Assert.Throws<UnhandledRoomFactException>(() => Events.EventNames.Details(untaught));
    }

    [Fact]
    public void TheTypedKindsKeepTheStoredShapesOfEarlierVersions()
    {
        // what an earlier version queued and stored reads as its kind, and is written back the same
        var media = RoomFact.Parse("media_changed", new Dictionary<string, string> { ["audio"] = "false", ["video"] = "true", ["by"] = "admin" });
        var ended = RoomFact.Parse("call_ended", new Dictionary<string, string> { ["reason"] = "failed", ["durationSeconds"] = "42" });

        Assert.Equal(new MediaChanged(false, true, "admin"), media);
        Assert.Equal(new CallEnded("failed", 42), ended);
        Assert.Equal(["audio", "video", "by"], media.Data!.Keys);
        Assert.Equal("42", ended.Data!["durationSeconds"]);
        Assert.Equal(["room.failed", "call.ended"], WebhookEventTypes.Of(ended, null));
        Assert.IsType<UnknownFact>(RoomFact.Parse("participant_teleported", null));
    }

    private static RoomEvent Stored(RoomFact fact) =>
        new("01a25000-0000-7000-8000-000000000001", "r1", 1, fact.Type, "p-1", DateTimeOffset.UnixEpoch, fact.Data, "ann", "Ann");

    /// <summary>An instance of a kind with plain values for its fields.</summary>
    private static RoomFact Sample(Type kind)
    {
        var constructor = kind.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = constructor.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(string) => p.Name == "TypeName" ? "participant_teleported" : (object?)"x",
            var t when t == typeof(bool) => true,
            var t when t == typeof(long) => 7L,
            _ => null,
        }).ToArray();
        return (RoomFact)constructor.Invoke(args);
    }

    /// <summary>A kind no consumer was taught (as a new record would be before its decisions are written).</summary>
    private sealed record FutureKind : RoomFact
    {
        public override string Type => "future_kind";
    }
}
