using System.Text.Json;
using CallServer.Backup;
using CallServer.Domain.Rooms;
using Microsoft.Extensions.Options;

namespace CallServer.History;

/// <summary>
/// Where history waits once the queue in Redis reaches its cap (<c>History:MaxQueuedEvents</c>) while the database is down:
/// files of events, oldest first, on this instance's disk (<c>{DataDir}/history-parked</c>). Redis stays bounded, commands keep
/// working, and nothing is dropped: once the database answers, parked files are stored before anything newer.
/// Used only by the history writer's loop, one call at a time.
/// </summary>
internal sealed class HistoryParking
{
    private readonly string _dir;
    private readonly ILogger<HistoryParking> _logger;
    private long _sequence = -1;
    private long _events = -1;

    public HistoryParking(IOptions<StorageOptions> storage, ILogger<HistoryParking> logger)
    {
        _dir = Path.Combine(storage.Value.FullDataDir, "history-parked");
        _logger = logger;
    }

    /// <summary>How many events are parked on this instance's disk.</summary>
    public long Events
    {
        get
        {
            if (Interlocked.Read(ref _events) < 0)
            {
                Interlocked.Exchange(ref _events, Files().Sum(f => (long)File.ReadLines(f).Count()));
            }

            return Interlocked.Read(ref _events);
        }
    }

    public string Directory => _dir;

    /// <summary>Parks a batch (written and flushed to disk before the caller drops it from Redis).</summary>
    public void Park(IReadOnlyList<RoomEvent> batch)
    {
        _ = Events;
        PrivateFiles.Folder(_dir);
        // named by a sequence that goes on from the files already there (not by the clock, which may step back)
        if (_sequence < 0)
        {
            _sequence = Files().Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f), out var n) ? n : 0).DefaultIfEmpty(0).Max();
        }

        var name = $"{++_sequence:D20}.jsonl";
        var temp = Path.Combine(_dir, name + ".tmp");
        using (var file = PrivateFiles.CreateNew(temp, FileOptions.WriteThrough, 64 * 1024))
        {
            foreach (var e in batch)
            {
                file.Write(JsonSerializer.SerializeToUtf8Bytes(e, BackupJson.Default.RoomEvent));
                file.WriteByte((byte)'\n');
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temp, Path.Combine(_dir, name));
        Interlocked.Add(ref _events, batch.Count);
    }

    /// <summary>The oldest parked batch, or null when none waits.</summary>
    public ParkedBatch? Oldest()
    {
        if (Events == 0)
        {
            return null;
        }

        foreach (var file in Files())
        {
            try
            {
                return new ParkedBatch(file, [.. File.ReadLines(file).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize(l, BackupJson.Default.RoomEvent)!)]);
            }
            catch (JsonException ex)
            {
                // a damaged file must not stop the history for good: set aside for an operator, the next one goes on
                File.Move(file, file + ".unreadable");
                HistoryLog.ParkedFileUnreadable(_logger, ex, file);
                Interlocked.Exchange(ref _events, -1);
            }
        }

        return null;
    }

    /// <summary>Drops a parked batch once it is stored.</summary>
    public void Remove(ParkedBatch batch)
    {
        File.Delete(batch.File);
        Interlocked.Add(ref _events, -batch.Events.Count);
    }

    private IEnumerable<string> Files() =>
        System.IO.Directory.Exists(_dir)
            ? System.IO.Directory.EnumerateFiles(_dir, "*.jsonl").Order(StringComparer.Ordinal)
            : [];
}
