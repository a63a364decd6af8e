using CallServer.Auth;
using CallServer.Domain.Media;
using CallServer.Domain.Rooms;
using CallServer.Domain.Rooms.Commands;
using CallServer.Media;

namespace CallServer.Api;

/// <summary>The answer of anything that joins a participant (a join, a dial, an accept): its token, the status, how to carry media.</summary>
internal sealed class JoinAnswers(TokenIssuer tokens, IMediaServer media, IceServers iceServers)
{
    public JoinResponse For(string roomId, RoomReply reply)
    {
        var participant = reply.Participant!;
        var (token, expiresAt) = tokens.Issue(roomId, participant.ParticipantId);
        return new JoinResponse(participant.ParticipantId, token, reply.Status, media.Mode, iceServers.For(participant.ParticipantId), expiresAt);
    }
}
