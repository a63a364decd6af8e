using System.Text.Json;
using CallServer.Domain.Backup;
using CallServer.Domain.Rooms.Commands;

namespace CallServer.Hubs;

/// <summary>
/// Tells a muted participant what a moderator turned off: the <c>muted</c> event, and for older clients <c>signal</c> from
/// <c>server</c>, type <c>muted</c>, payload <c>{"audio","video"}</c> (both sent by the relay from one message).
/// </summary>
internal static class MutedNotice
{
    public static Task SendAsync(ISignalPublisher signals, string roomId, string? by, RoomReply reply, CancellationToken cancellationToken)
    {
        var before = reply.Participant!;
        var after = reply.Status.Participants.Single(p => p.ParticipantId == before.ParticipantId);
        var (audio, video) = (before.Audio && !after.Audio, before.Video && !after.Video);
        if (!audio && !video)
        {
            return Task.CompletedTask;
        }

        var payload = JsonSerializer.Serialize(new Dictionary<string, bool> { ["audio"] = audio, ["video"] = video }, HubJson.Default.DictionaryStringBoolean);
        return signals.PublishAsync(
            new SignalEnvelope(roomId, before.ParticipantId, by ?? SignalEnvelope.Server, "muted", payload, SignalEnvelope.Muted), cancellationToken);
    }
}
