using System.Diagnostics;

namespace CallServer.Tests.Infrastructure;

/// <summary>Extra arguments for a process start.</summary>
internal static class ProcessArguments
{
    public static ProcessStartInfo WithArguments(this ProcessStartInfo start, IEnumerable<string> args)
    {
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
