namespace CallServer.Domain.Rooms.Commands;

/// <summary>A command the room's rules decide: adding one means writing its <see cref="Decide"/>, which the compiler asks for.</summary>
internal abstract record RoomChange : RoomCommand
{
    /// <summary>False for timer ticks: they do not keep a room from hibernating.</summary>
    internal virtual bool IsAsked => true;

    /// <summary>What this command does to <paramref name="state"/>: pure, no I/O.</summary>
    internal abstract RoomDecision Decide(RoomState state, RuleContext context);

    internal sealed override Task DispatchAsync(RoomWorker worker, CancellationToken stopping) => worker.ChangeAsync(this, stopping);
}
