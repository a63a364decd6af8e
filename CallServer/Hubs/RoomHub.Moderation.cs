using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>The hub's moderation (participants with the admin grant), metadata and in-call data methods.</summary>
internal sealed partial class RoomHub
{
    /// <summary>Turns a participant's media off (never on); it hears <c>muted</c> from the server.</summary>
    public async Task MuteParticipant(string participantId, bool audio, bool video)
    {
        var caller = HubCaller.Of(Context);
        var reply = await Ask(caller.RoomId, new MuteParticipant(caller.ParticipantId, RequireId(participantId), audio, video));
        await MutedNotice.SendAsync(signals, caller.RoomId, reply, Context.ConnectionAborted);
    }

    /// <summary>Removes a participant (reason <c>kicked</c>); its identity may not rejoin this call for a while.</summary>
    public async Task RemoveParticipant(string participantId)
    {
        var caller = HubCaller.Of(Context);
        await Ask(caller.RoomId, new RemoveParticipant(caller.ParticipantId, RequireId(participantId)));
    }

    /// <summary>Ends the call for everyone.</summary>
    public async Task EndCall()
    {
        var caller = HubCaller.Of(Context);
        await Ask(caller.RoomId, new EndCall(LeaveReasons.Ended, caller.ParticipantId));
    }

    public async Task<RoomStatus> SetRoomMetadata(string? metadata)
    {
        CheckLength(metadata, Domain.Rooms.Commands.SetRoomMetadata.MaxLength, "metadata");
        var caller = HubCaller.Of(Context);
        return (await Ask(caller.RoomId, new SetRoomMetadata(caller.ParticipantId, metadata))).Status;
    }

    /// <summary>Sets the caller's own metadata.</summary>
    public async Task<RoomStatus> SetMetadata(string? metadata)
    {
        CheckLength(metadata, Domain.Rooms.Commands.SetMetadata.MaxLength, "metadata");
        var caller = HubCaller.Of(Context);
        return (await Ask(caller.RoomId, new SetMetadata(caller.ParticipantId, metadata))).Status;
    }

    /// <summary>In-call data (chat, reactions): to every other participant, or only to those listed in <paramref name="to"/>; never stored.</summary>
    public async Task SendData(string type, string payload, string[]? to = null)
    {
        if (string.IsNullOrEmpty(type) || !SignalType().IsMatch(type))
        {
            throw new HubException("type must be 1-32 letters, digits, '_' or '-'.");
        }

        if (payload is null || payload.Length > HubLimits.MaxDataPayload)
        {
            throw new HubException($"payload is required and at most {HubLimits.MaxDataPayload} characters.");
        }

        if (to is { Length: 0 or > HubLimits.MaxDataRecipients } || to?.Any(string.IsNullOrEmpty) == true)
        {
            throw new HubException($"to, when given, lists 1-{HubLimits.MaxDataRecipients} participant ids of this room.");
        }

        var caller = HubCaller.Of(Context);
        var reply = await Ask(caller.RoomId, new CheckRecipients(caller.ParticipantId, to?.Distinct().ToList()));
        var recipients = to?.Distinct() ?? reply.Status.Participants.Select(p => p.ParticipantId).Where(id => id != caller.ParticipantId);
        await Task.WhenAll(recipients.Select(id =>
            signals.PublishAsync(new SignalEnvelope(caller.RoomId, id, caller.ParticipantId, type, payload, SignalEnvelope.Data), Context.ConnectionAborted)));
    }

    private static string RequireId(string? participantId) =>
        string.IsNullOrEmpty(participantId) || participantId.Length > 64
            ? throw new HubException("participantId must be a participant id of this room.")
            : participantId;

    private static void CheckLength(string? value, int max, string name)
    {
        if (value is { Length: var length } && length > max)
        {
            throw new HubException($"{name} is at most {max} characters.");
        }
    }
}
