using System.Security.Cryptography;

namespace CallServer.Domain.Rooms;

/// <summary>
/// Where the rules' new ids come from, so that the rules stay pure functions of their inputs: unguessable ones in the server
/// (<see cref="Unguessable"/>), and in tests ones drawn from a seed, so that a property test reproduces from its seed.
/// </summary>
internal sealed class RoomIds
{
    /// <summary>Participant ids are bearer-like (they name who may be removed or muted): drawn from a cryptographic source.</summary>
    public static readonly RoomIds Unguessable = new(null);

    private readonly Random? _seeded;

    private RoomIds(Random? seeded) => _seeded = seeded;

    /// <summary>Ids drawn from <paramref name="seed"/> (tests only: one thread, and guessable).</summary>
    public static RoomIds Seeded(int seed) => new(new Random(seed));

    /// <summary>A call id: a version 7 UUID, ordered by <paramref name="now"/>.</summary>
    public string NewCallId(DateTimeOffset now)
    {
        if (_seeded is null)
        {
            return Guid.CreateVersion7(now).ToString();
        }

        // the layout of a version 7 UUID: 48 bits of Unix milliseconds, the version, random bits, the variant
        Span<byte> bytes = stackalloc byte[16];
        _seeded.NextBytes(bytes);
        var ms = now.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(ms >> (8 * (5 - i)));
        }

        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>An invitation id of <paramref name="roomId"/>: 128 bits from a cryptographic source (<see cref="InvitationIds"/>).</summary>
    public string NewInvitationId(string roomId)
    {
        Span<byte> bytes = stackalloc byte[16];
        Fill(bytes);

        return InvitationIds.New(roomId, bytes);
    }

    /// <summary>The id of a room made to dial someone: 128 random bits, hex.</summary>
    public string NewRoomId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Fill(bytes);

        return "call-" + Convert.ToHexStringLower(bytes);
    }

    public string NewParticipantId()
    {
        Span<byte> bytes = stackalloc byte[9];
        Fill(bytes);

        return "p-" + Convert.ToHexStringLower(bytes);
    }

    /// <summary>Random bytes: from a cryptographic source in the server, from the seed in tests.</summary>
    private void Fill(Span<byte> bytes)
    {
        if (_seeded is null)
        {
            RandomNumberGenerator.Fill(bytes);
        }
        else
        {
            _seeded.NextBytes(bytes);
        }
    }
}
