using System.Globalization;

namespace CallServer.Limits;

/// <summary>The process's open-file limit (each connection holds a file descriptor; running out aborts the process).</summary>
internal static class OpenFileLimit
{
    /// <summary>Descriptors kept beyond those open at start: assemblies loaded later, stores, logs, accepts in flight.</summary>
    public const long Headroom = 512;

    /// <summary>The least either cap is lowered to, so that the server still answers (its health checks among them).</summary>
    public const long MinimumCap = 8;

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

    /// <summary>The descriptors the process holds now (<c>/proc/self/fd</c>), or null when unknown.</summary>
    public static long? InUse()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount();
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
    /// connections. That is kept back: the descriptors <paramref name="inUse"/> now plus <see cref="Headroom"/> (the runtime holds
    /// two per loaded assembly, about 400 once every component is loaded, and a runtime that finds none when it needs one aborts
    /// the process with "Out of memory", as measured under a flood at 512), and at least half the limit, up to 1,024.
    /// </summary>
    public static (long Http, long Upgraded) Fit(long http, long upgraded, long? openFiles, long? inUse)
    {
        if (openFiles is not { } limit)
        {
            return (http, upgraded);
        }

        var reserve = Math.Max(Math.Min(limit / 2, 1024), (inUse ?? 0) + Headroom);
        var usable = limit - reserve;
        if (http + upgraded <= usable)
        {
            return (http, upgraded);
        }

        var fittedHttp = Math.Max(MinimumCap, usable * http / (http + upgraded));
        return (fittedHttp, Math.Max(MinimumCap, usable - fittedHttp));
    }
}
