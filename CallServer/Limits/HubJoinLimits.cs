using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CallServer.Limits;

/// <summary>
/// The join rate of an address for joins over the hub (docs/API.md §5.1): a bucket of <see cref="LimitsOptions.JoinsPerMinute"/>
/// per client address, beside the REST joins' one, taken only by the request that opens a joining connection (not by its
/// negotiate, and never by a connect with a participant token).
/// </summary>
internal sealed class HubJoinLimits(IOptions<LimitsOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _joins =
        PartitionedRateLimiter.Create<string, string>(address => LimitsSetup.PerMinute(address, options.Value.JoinsPerMinute));

    /// <summary>Takes a join from <paramref name="address"/>'s bucket; when it is empty, the seconds after which to try again.</summary>
    public int? Refuse(string address)
    {
        using var lease = _joins.AttemptAcquire(address);
        return lease.IsAcquired ? null : LimitsSetup.RetryAfterSeconds(lease);
    }

    public void Dispose() => _joins.Dispose();
}
