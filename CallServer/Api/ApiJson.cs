using System.Text.Json.Serialization;
using CallServer.Domain.Rooms;
using CallServer.History;

namespace CallServer.Api;

/// <summary>Source-generated JSON for the REST surface.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(MuteRequest))]
[JsonSerializable(typeof(RoomMetadataRequest))]
[JsonSerializable(typeof(JoinResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(RoomStatus))]
[JsonSerializable(typeof(InvitationView))]
[JsonSerializable(typeof(DialRequest))]
[JsonSerializable(typeof(InviteRequest))]
[JsonSerializable(typeof(AcceptRequest))]
[JsonSerializable(typeof(DeclineRequest))]
[JsonSerializable(typeof(UserTokenRequest))]
[JsonSerializable(typeof(UserTokenResponse))]
[JsonSerializable(typeof(List<RoomSummary>))]
[JsonSerializable(typeof(IReadOnlyList<CallRecord>))]
[JsonSerializable(typeof(CallDetails))]
[JsonSerializable(typeof(IReadOnlyList<RecentCallRecord>))]
[JsonSerializable(typeof(MissedCallCount))]
[JsonSerializable(typeof(IReadOnlyList<DeadLetter>))]
internal sealed partial class ApiJson : JsonSerializerContext;
