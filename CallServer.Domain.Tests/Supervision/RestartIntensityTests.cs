using CallServer.Domain.Supervision;

namespace CallServer.Domain.Tests.Supervision;

/// <summary>The restart-intensity window both supervisors count in.</summary>
public sealed class RestartIntensityTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MoreRestartsThanTheMaximumWithinTheWindowAreTooMany()
    {
        var intensity = new RestartIntensity(maxRestarts: 3, window: TimeSpan.FromSeconds(10));

        var exceeded = Enumerable.Range(0, 4).Select(i => intensity.Exceeded(Start + TimeSpan.FromSeconds(i))).ToList();

        Assert.Equal([false, false, false, true], exceeded);
        Assert.Equal(4, intensity.Count);
    }

    [Fact]
    public void RestartsOlderThanTheWindowNoLongerCount()
    {
        var intensity = new RestartIntensity(maxRestarts: 2, window: TimeSpan.FromSeconds(10));
        intensity.Exceeded(Start);
        intensity.Exceeded(Start + TimeSpan.FromSeconds(1));

        // the first two are 10 s old or more by now: only this one counts
        Assert.False(intensity.Exceeded(Start + TimeSpan.FromSeconds(11)));
        Assert.Equal(1, intensity.Count);
    }

    [Fact]
    public void AResetStartsTheCountAfresh()
    {
        var intensity = new RestartIntensity(maxRestarts: 1, window: TimeSpan.FromMinutes(1));
        intensity.Exceeded(Start);
        Assert.True(intensity.Exceeded(Start));

        intensity.Reset();

        Assert.False(intensity.Exceeded(Start));
    }
}
