namespace CallServer.Domain.Rooms;

/// <summary>An invitation ended: accepted, declined, busy, canceled or missed (its participant is the caller).</summary>
internal sealed record InvitationEnded(string InvitationId, string To, string State, string? Reason) : RoomFact
{
    public override string Type => RoomEventTypes.InvitationEnded;

    public override IReadOnlyDictionary<string, string>? Data
    {
        get
        {
            var data = new Dictionary<string, string> { ["invitationId"] = InvitationId, ["to"] = To, ["state"] = State };
            if (Reason is not null)
            {
                data["reason"] = Reason;
            }

            return data;
        }
    }
}
