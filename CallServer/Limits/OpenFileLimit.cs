using System.Globalization;

namespace CallServer.Limits;

/// <summary>The process's open-file limit (each connection holds a file descriptor; running out aborts the process).</summary>
internal static class OpenFileLimit
{
    /// <summary>The soft limit from <c>/proc/self/limits</c>, or null when unknown or unlimited.</summary>
    public static long? Current()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The HTTP and WebSocket connection caps, lowered to fit <paramref name="openFiles"/> less what the process needs besides
    /// (stores, logs, the runtime): half the limit, at most 1,024 descriptors, is kept for those.
    /// </summary>
    public static (long Http, long Upgraded) Fit(long http, long upgraded, long? openFiles)
    {
        if (openFiles is not { } limit)
        {
            return (http, upgraded);
        }

        var usable = limit - Math.Min(limit / 2, 1024);
        if (http + upgraded <= usable)
        {
            return (http, upgraded);
        }

        var fittedHttp = Math.Max(8, usable * http / (http + upgraded));
        return (fittedHttp, Math.Max(8, usable - fittedHttp));
    }
}
