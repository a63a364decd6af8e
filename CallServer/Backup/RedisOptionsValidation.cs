using Microsoft.Extensions.Options;

namespace CallServer.Backup;

/// <summary>What the data annotations of <see cref="RedisOptions"/> cannot say: replica acknowledgement needs a Redis with replicas.</summary>
internal sealed class RedisOptionsValidation(IConfiguration configuration) : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options) =>
        options.AckReplicas > 0 && string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis"))
            ? ValidateOptionsResult.Fail("Redis:AckReplicas needs ConnectionStrings:Redis: the embedded store has no replicas to wait for.")
            : ValidateOptionsResult.Success;
}
