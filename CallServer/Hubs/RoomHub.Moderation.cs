using CallServer.Backup;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using Microsoft.AspNetCore.SignalR;

namespace CallServer.Hubs;

/// <summary>The hub's moderation (participants with the admin grant), metadata and in-call data methods.</summary>
internal sealed partial class RoomHub
{
    /// <summary>
    /// Turns a participant's microphone (<paramref name="muteAudio"/>) and/or camera (<paramref name="muteVideo"/>) off, never
    /// on; returns the new status; the participant hears <c>muted</c>. A call that mutes nothing is refused.
    /// </summary>
    public async Task<RoomStatus> Mute(string participantId, bool muteAudio, bool muteVideo)
    {
        if (!muteAudio && !muteVideo)
        {
            throw HubErrors.Invalid("Mute turns media off: muteAudio, muteVideo or both must be true.");
        }

        return await MuteAsync(participantId, !muteAudio, !muteVideo);
    }

    /// <summary>The older form of <see cref="Mute"/>: <c>false</c> turns that media off, <c>true</c> leaves it as it is.</summary>
    public Task<RoomStatus> MuteParticipant(string participantId, bool audio, bool video) => MuteAsync(participantId, audio, video);

    private async Task<RoomStatus> MuteAsync(string participantId, bool keepAudio, bool keepVideo)
    {
        var caller = HubCaller.Of(Context);
        var reply = await Ask(caller.RoomId, new MuteParticipant(caller.ParticipantId, RequireId(participantId), keepAudio, keepVideo));
        await MutedNotice.SendAsync(signals, caller.RoomId, caller.ParticipantId, reply, Context.ConnectionAborted);
        return reply.Status;
    }

    /// <summary>Removes a participant (reason <c>kicked</c>); its identity may not rejoin this call for a while. Returns the new status.</summary>
    public async Task<RoomStatus> RemoveParticipant(string participantId)
    {
        var caller = HubCaller.Of(Context);
        return (await Ask(caller.RoomId, new RemoveParticipant(caller.ParticipantId, RequireId(participantId)))).Status;
    }

    /// <summary>Ends the call for everyone; returns the ended status.</summary>
    public async Task<RoomStatus> EndCall()
    {
        var caller = HubCaller.Of(Context);
        return (await Ask(caller.RoomId, new EndCall(LeaveReasons.Ended, caller.ParticipantId))).Status;
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
            throw HubErrors.Invalid("type must be 1-32 letters, digits, '_' or '-'.");
        }

        if (payload is null || payload.Length > HubLimits.MaxDataPayload)
        {
            throw HubErrors.Invalid($"payload is required and at most {HubLimits.MaxDataPayload} characters.");
        }

        if (to is { Length: 0 or > HubLimits.MaxDataRecipients } || to?.Any(string.IsNullOrEmpty) == true)
        {
            throw HubErrors.Invalid($"to, when given, lists 1-{HubLimits.MaxDataRecipients} participant ids of this room.");
        }

        var caller = HubCaller.Of(Context);
        var reply = await Ask(caller.RoomId, new CheckRecipients(caller.ParticipantId, to?.Distinct().ToList()));
        var recipients = to?.Distinct() ?? reply.Status.Participants.Select(p => p.ParticipantId).Where(id => id != caller.ParticipantId);
        await Task.WhenAll(recipients.Select(id =>
            signals.PublishAsync(new SignalEnvelope(caller.RoomId, id, caller.ParticipantId, type, payload, SignalEnvelope.Data), Context.ConnectionAborted)));
    }

    private static string RequireId(string? participantId) =>
        string.IsNullOrEmpty(participantId) || participantId.Length > 64
            ? throw HubErrors.Invalid("participantId must be a participant id of this room.")
            : participantId;

    private static void CheckLength(string? value, int max, string name)
    {
        if (value is { Length: var length } && length > max)
        {
            throw HubErrors.Invalid($"{name} is at most {max} characters.");
        }
    }
}
