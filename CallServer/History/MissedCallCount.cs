namespace CallServer.History;

/// <summary>How many calls a user missed in the time asked (docs/API.md §10).</summary>
internal sealed record MissedCallCount(long Count);
