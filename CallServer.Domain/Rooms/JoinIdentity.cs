namespace CallServer.Domain.Rooms;

/// <summary>Who joins, as the app's backend signed it in the join token; null fields are left to the defaults.</summary>
/// <param name="Identity">The user's identity in the app (the token's <c>sub</c>).</param>
/// <param name="Metadata">The app's own data about the participant.</param>
internal sealed record JoinIdentity(string Identity, string? Metadata, ParticipantGrants Grants);
