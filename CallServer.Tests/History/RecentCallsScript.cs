using System.Net.Http.Headers;
using System.Net.Http.Json;
using CallServer.Api;
using CallServer.Domain.Rooms;
using CallServer.History;
using CallServer.Tests.Infrastructure;

namespace CallServer.Tests.History;

/// <summary>
/// Real calls between ann, bob and cat on a tokens-mode server, one of each direction and outcome of docs/API.md §10, and the
/// recent calls each user must see for them (newest first). <see cref="Server"/> may change between steps (a restarted process).
/// </summary>
internal sealed class RecentCallsScript(Uri server)
{
    /// <summary>The settings of a server this script runs against: tokens mode (join tokens carry the identity).</summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string> { ["Auth:JoinSecret"] = JoinTokenMinter.Secret };

    public static readonly string[] Users = ["ann", "bob", "cat"];

    private readonly Dictionary<string, List<(string CallId, string Direction, string Outcome)>> _expected = Users.ToDictionary(u => u, _ => new List<(string, string, string)>());

    public Uri Server { get; set; } = server;

    /// <summary>What each user must see, newest first.</summary>
    public IReadOnlyList<(string CallId, string Direction, string Outcome)> Expected(string user) => [.. Enumerable.Reverse(_expected[user])];

    /// <summary>The answered call, between Bob's answer and the hang-ups (a test kills the server there).</summary>
    public Func<Task>? WhileAnswered { get; set; }

    /// <summary>Runs every call of the script, one after another; each has ended when this returns.</summary>
    public async Task RunAsync(IReadOnlyList<UserDevice>? bobsDevices = null)
    {
        await JoinedByIdAsync();
        await AnsweredAsync(bobsDevices);
        foreach (var how in new[] { "declined", "busy", "canceled", "missed" })
        {
            await UnansweredAsync(how);
        }

        await RungAgainAsync();
    }

    /// <summary>Cat and Bob join a room by id (Bob twice): both <c>joined</c>, <c>completed</c>.</summary>
    private async Task JoinedByIdAsync()
    {
        var room = "recents-" + Guid.NewGuid().ToString("N")[..10];
        var cat = await JoinAsync(room, "cat");
        var bob = await JoinAsync(room, "bob");
        await LeaveAsync(bob);
        bob = await JoinAsync(room, "bob");
        await LeaveAsync(bob);
        await LeaveAsync(cat);
        Expect(cat.Room.CallId!, ("cat", "joined", "completed"), ("bob", "joined", "completed"));
    }

    /// <summary>Ann dials Bob, whose devices ring; one answers.</summary>
    private async Task AnsweredAsync(IReadOnlyList<UserDevice>? devices)
    {
        var ann = await DialAsync("ann", 30, "bob");
        var invitation = ann.Room.Invitations![0].InvitationId;
        foreach (var device in devices ?? [])
        {
            await device.WaitForAsync(i => i.InvitationId == invitation && i.State == "ringing", "each of Bob's devices rings");
        }

        var bob = await AcceptAsync("bob", invitation);
        if (WhileAnswered is { } fault)
        {
            await fault();
        }

        await LeaveAsync(bob);
        await LeaveAsync(ann);
        Expect(ann.Room.CallId!, ("ann", "outgoing", "answered"), ("bob", "incoming", "answered"));
    }

    /// <summary>Ann dials Bob, who declines, is busy, is canceled by Ann, or misses it.</summary>
    private async Task UnansweredAsync(string how)
    {
        var ann = await DialAsync("ann", how == "missed" ? 5 : 30, "bob");
        var invitation = ann.Room.Invitations![0].InvitationId;
        using var bob = User("bob");
        switch (how)
        {
            case "declined" or "busy":
                (await bob.PostAsJsonAsync($"/invitations/{invitation}/decline", new { reason = how })).EnsureSuccessStatusCode();
                break;
            case "canceled":
                using (var caller = Bearer(ann.Token))
                {
                    (await caller.DeleteAsync($"/rooms/{ann.Room.RoomId}/invitations/{invitation}")).EnsureSuccessStatusCode();
                }

                break;
        }

        // a dialed call whose only ring ended unanswered ends with it
        await Eventually.TrueAsync(async () => (await bob.GetFromJsonAsync<InvitationView>($"/invitations/{invitation}"))!.State == how,
            $"the ring {how}", TimeSpan.FromSeconds(30));
        Expect(ann.Room.CallId!, ("ann", "outgoing", how == "canceled" ? "canceled" : "not_answered"), ("bob", "incoming", how));
    }

    /// <summary>One more call outside the script: Ann dials Bob, who declines; its call id.</summary>
    public async Task<string> DeclinedAsync()
    {
        var ann = await DialAsync("ann", 30, "bob");
        using var bob = User("bob");
        (await bob.PostAsJsonAsync($"/invitations/{ann.Room.Invitations![0].InvitationId}/decline", new { })).EnsureSuccessStatusCode();
        return ann.Room.CallId!;
    }

    /// <summary>Ann dials Bob and Cat; Cat answers, Bob misses it, Ann rings him again and he answers: one row for Bob.</summary>
    private async Task RungAgainAsync()
    {
        var ann = await DialAsync("ann", 5, "bob", "cat");
        var cat = await AcceptAsync("cat", ann.Room.Invitations!.Single(i => i.To == "cat").InvitationId);
        using var bobHttp = User("bob");
        var first = ann.Room.Invitations!.Single(i => i.To == "bob").InvitationId;
        await Eventually.TrueAsync(async () => (await bobHttp.GetFromJsonAsync<InvitationView>($"/invitations/{first}"))!.State == "missed",
            "Bob misses the first ring", TimeSpan.FromSeconds(30));
        using var annHttp = Bearer(ann.Token);
        using var invited = await annHttp.PostAsJsonAsync($"/rooms/{ann.Room.RoomId}/invitations", new { to = new[] { "bob" }, ringSeconds = 30 });
        invited.EnsureSuccessStatusCode();
        var again = (await invited.Content.ReadFromJsonAsync<RoomStatus>())!.Invitations!.Single(i => i.To == "bob" && i.State == "ringing").InvitationId;
        var bob = await AcceptAsync("bob", again);
        await LeaveAsync(bob);
        await LeaveAsync(cat);
        await LeaveAsync(ann);
        Expect(ann.Room.CallId!, ("ann", "outgoing", "answered"), ("cat", "incoming", "answered"), ("bob", "incoming", "answered"));
    }

    /// <summary>
    /// What each user sees (all its calls, one page), once it is what the script expects or the deadline passed: the caller
    /// asserts on it, so that a difference shows whole.
    /// </summary>
    public async Task<Dictionary<string, List<RecentCallRecord>>> SeenAsync(TimeSpan? timeout = null)
    {
        var seen = new Dictionary<string, List<RecentCallRecord>>();
        foreach (var user in Users)
        {
            using var http = User(user);
            async Task<List<RecentCallRecord>> Read() => (await http.GetFromJsonAsync<List<RecentCallRecord>>("/users/me/calls?limit=100"))!;
            try
            {
                await Eventually.ValueAsync(Read, rows => Summary(rows).SequenceEqual(Expected(user)), $"{user}'s recent calls", timeout ?? TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                // the assertion on what is seen says how it differs
            }

            seen[user] = await Read();
        }

        return seen;
    }

    public static IEnumerable<(string CallId, string Direction, string Outcome)> Summary(IEnumerable<RecentCallRecord> rows) =>
        rows.Select(r => (r.CallId, r.Direction, r.Outcome));

    public HttpClient User(string identity) => Bearer(JoinTokenMinter.UserToken(identity, char.ToUpperInvariant(identity[0]) + identity[1..]));

    public HttpClient Bearer(string token)
    {
        var http = new HttpClient { BaseAddress = Server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private void Expect(string callId, params (string User, string Direction, string Outcome)[] rows)
    {
        foreach (var (user, direction, outcome) in rows)
        {
            _expected[user].Add((callId, direction, outcome));
        }
    }

    private async Task<JoinResponse> JoinAsync(string room, string identity)
    {
        using var http = Bearer(JoinTokenMinter.Token(room, identity));
        using var joined = await http.PostAsJsonAsync($"/rooms/{room}/join", new { displayName = char.ToUpperInvariant(identity[0]) + identity[1..] });
        joined.EnsureSuccessStatusCode();
        return (await joined.Content.ReadFromJsonAsync<JoinResponse>())!;
    }

    private async Task<JoinResponse> DialAsync(string from, int ringSeconds, params string[] to)
    {
        using var http = User(from);
        using var dialed = await http.PostAsJsonAsync("/calls", new { to, ringSeconds });
        dialed.EnsureSuccessStatusCode();
        return (await dialed.Content.ReadFromJsonAsync<JoinResponse>())!;
    }

    private async Task<JoinResponse> AcceptAsync(string identity, string invitationId)
    {
        using var http = User(identity);
        using var accepted = await http.PostAsJsonAsync($"/invitations/{invitationId}/accept", new { });
        accepted.EnsureSuccessStatusCode();
        return (await accepted.Content.ReadFromJsonAsync<JoinResponse>())!;
    }

    private async Task LeaveAsync(JoinResponse participant)
    {
        using var http = Bearer(participant.Token);
        (await http.PostAsync($"/rooms/{participant.Room.RoomId}/leave", null)).EnsureSuccessStatusCode();
    }
}
