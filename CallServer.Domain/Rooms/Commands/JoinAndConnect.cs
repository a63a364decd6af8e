namespace CallServer.Domain.Rooms.Commands;

/// <summary>
/// A join over the hub (docs/API.md §5.1): <see cref="Join"/> and the connection that asked for it, decided as one change, so
/// that the participant's arrival is one version, one backup write and one status (present and connected), instead of a
/// join's and then a connect's. A repeated join key connects the participant it added, unless
/// <paramref name="RefuseReconnect"/> says why that participant may not connect now (its connect rate, its block after a
/// flood): then nothing changes.
/// </summary>
internal sealed record JoinAndConnect(
    JoinRoom Join, string ConnectionId, string InstanceId, Func<string, string?>? RefuseReconnect = null) : RoomChange
{
    internal override bool StartsRoom => true;

    internal override RoomDecision Decide(RoomState state, RuleContext context) => RoomRules.JoinAndConnect(state, this, context);
}
