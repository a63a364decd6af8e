namespace CallServer.Tests.Infrastructure;

/// <summary>
/// Tests that start and kill servers round after round for minutes: run alone, so that the CPU they take does not push the
/// timing bounds of other tests (a frozen Redis answered within its bound) over the edge.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KillRoundsCollection
{
    public const string Name = "kill -9 rounds";
}
