using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

// The baseline: what a .NET team writes first. Rooms live in this process's memory (lost on a crash), statuses go to the
// SignalR group through the official Redis backplane. Tokens are plain "room|participant" strings: no crypto, no durability.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<Rooms>();
builder.Services.AddSignalR().AddStackExchangeRedis(builder.Configuration.GetConnectionString("Redis") ?? "127.0.0.1:6379");
var app = builder.Build();

app.MapPost("/rooms/{roomId}/join", (string roomId, JoinRequest request, Rooms rooms) =>
{
    var participantId = "p-" + Guid.NewGuid().ToString("N")[..18];
    var status = rooms.Update(roomId, room => room.Participants.Add(new Participant(participantId, request.DisplayName ?? "?", "joining", true, true, DateTimeOffset.UtcNow)));
    return Results.Ok(new { participantId, token = $"{roomId}|{participantId}", room = status });
});
app.MapHub<RoomHub>("/hubs/room");
app.Run();

internal sealed record JoinRequest(string? DisplayName);

internal sealed record Participant(string ParticipantId, string DisplayName, string Presence, bool Audio, bool Video, DateTimeOffset JoinedAt);

internal sealed record Status(string RoomId, string CallId, long Version, string State, List<Participant> Participants, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed class Room(string roomId)
{
    public string RoomId { get; } = roomId;
    public string CallId { get; } = Guid.NewGuid().ToString();
    public long Version { get; set; }
    public List<Participant> Participants { get; } = [];
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
}

internal sealed class Rooms
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new();

    public Status Update(string roomId, Action<Room> change)
    {
        var room = _rooms.GetOrAdd(roomId, id => new Room(id));
        lock (room)
        {
            change(room);
            room.Version++;
            return new Status(room.RoomId, room.CallId, room.Version, room.Participants.Count > 1 ? "active" : "waiting", [.. room.Participants], room.CreatedAt, DateTimeOffset.UtcNow);
        }
    }
}

internal sealed class RoomHub(Rooms rooms) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var (room, participant) = Caller();
        await Groups.AddToGroupAsync(Context.ConnectionId, room);
        var status = rooms.Update(room, r => Replace(r, participant, p => p with { Presence = "connected" }));
        await Clients.Group(room).SendAsync("status", status);
    }

    public async Task<Status> SetMedia(bool audio, bool video)
    {
        var (room, participant) = Caller();
        var status = rooms.Update(room, r => Replace(r, participant, p => p with { Audio = audio, Video = video }));
        await Clients.Group(room).SendAsync("status", status);
        return status;
    }

    public Status GetStatus() => rooms.Update(Caller().Room, _ => { });

    private (string Room, string Participant) Caller()
    {
        var token = Context.GetHttpContext()?.Request.Query["access_token"].ToString().Split('|') ?? [];
        return token.Length == 2 ? (token[0], token[1]) : throw new HubException("no token");
    }

    private static void Replace(Room room, string participantId, Func<Participant, Participant> change)
    {
        var index = room.Participants.FindIndex(p => p.ParticipantId == participantId);
        if (index >= 0)
        {
            room.Participants[index] = change(room.Participants[index]);
        }
    }
}
