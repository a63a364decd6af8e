using Microsoft.Extensions.Options;

namespace CallServer.Backup;

/// <summary>What the data annotations of <see cref="RedisOptions"/> cannot say: replica acknowledgement needs a Redis with replicas, and a wait shorter than the client's timeout.</summary>
internal sealed class RedisOptionsValidation(IConfiguration configuration) : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        if (options.AckReplicas > 0 && string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis")))
        {
            return ValidateOptionsResult.Fail("Redis:AckReplicas needs ConnectionStrings:Redis: the embedded store has no replicas to wait for.");
        }

        // a WAIT longer than the client's timeout would be given up on while it still holds up every write behind it
        return options.AckReplicas > 0 && options.AckReplicasTimeoutMs >= options.TimeoutMs
            ? ValidateOptionsResult.Fail("Redis:AckReplicasTimeoutMs must be shorter than Redis:TimeoutMs.")
            : ValidateOptionsResult.Success;
    }
}
