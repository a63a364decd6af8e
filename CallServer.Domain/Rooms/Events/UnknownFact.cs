namespace CallServer.Domain.Rooms;

/// <summary>
/// An event of a type this version does not know (written by a newer one during a rolling deploy): kept as it came, and
/// decided on by every consumer like any other kind, never dropped without a word.
/// </summary>
internal sealed record UnknownFact(string TypeName, IReadOnlyDictionary<string, string>? Details) : RoomFact
{
    public override string Type => TypeName;

    public override IReadOnlyDictionary<string, string>? Data => Details;
}
