using System.Globalization;

namespace CallServer.Domain.Rooms;

/// <summary>An invitation started ringing (its participant is the caller).</summary>
internal sealed record InvitationRinging(string InvitationId, string To, DateTimeOffset ExpiresAt, string? Metadata) : RoomFact
{
    public override string Type => RoomEventTypes.InvitationRinging;

    public override IReadOnlyDictionary<string, string>? Data
    {
        get
        {
            var data = new Dictionary<string, string>
            {
                ["invitationId"] = InvitationId,
                ["to"] = To,
                ["expiresAt"] = ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
            };
            if (Metadata is not null)
            {
                data["metadata"] = Metadata;
            }

            return data;
        }
    }
}
