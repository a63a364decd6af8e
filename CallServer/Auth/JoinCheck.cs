using CallServer.Domain.Rooms;

namespace CallServer.Auth;

/// <summary>What a join token says: who joins (<see cref="Who"/>, with <see cref="Name"/>), or why it is refused (401, or 403 for another room).</summary>
internal sealed record JoinCheck(JoinIdentity? Who, string? Name, int Status = 200, string? Problem = null)
{
    public static JoinCheck Unauthorized(string problem) => new(null, null, StatusCodes.Status401Unauthorized, problem);

    public static JoinCheck Forbidden(string problem) => new(null, null, StatusCodes.Status403Forbidden, problem);
}
