namespace CallServer.Media.Sfu;

/// <summary>A call's publishers (by participant) and subscriptions (by subscriber and publisher), as one SFU holds them.</summary>
internal sealed class SfuCallMembers<TPublisher, TSubscription>
{
    public Dictionary<string, TPublisher> Publishers { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Subscriber, string Publisher), TSubscription> Subscriptions { get; } = [];

    /// <summary>Removes the publishers and subscriptions that match, and returns them.</summary>
    public SfuCallMembers<TPublisher, TSubscription> Take(Func<string, bool> publisher, Func<(string Subscriber, string Publisher), bool> subscription)
    {
        var taken = new SfuCallMembers<TPublisher, TSubscription>();
        foreach (var key in Publishers.Keys.Where(publisher).ToList())
        {
            taken.Publishers[key] = Publishers[key];
            Publishers.Remove(key);
        }

        foreach (var key in Subscriptions.Keys.Where(subscription).ToList())
        {
            taken.Subscriptions[key] = Subscriptions[key];
            Subscriptions.Remove(key);
        }

        return taken;
    }
}
