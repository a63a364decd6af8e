using CallServer.Domain.Rooms;
using Microsoft.Extensions.Options;

namespace CallServer.Rooms;

/// <summary>Fault injection lets an admin crash rooms at will: it is for chaos tests and benchmarks, never in Production.</summary>
internal sealed class FaultInjectionGuard(IHostEnvironment environment) : IValidateOptions<RoomsOptions>
{
    public ValidateOptionsResult Validate(string? name, RoomsOptions options) =>
        options.EnableFaultInjection && environment.IsProduction()
            ? ValidateOptionsResult.Fail(
                "Rooms:EnableFaultInjection must not be true in the Production environment: it lets an admin crash rooms. Use it under another environment (ASPNETCORE_ENVIRONMENT=Staging) for chaos tests and benchmarks.")
            : ValidateOptionsResult.Success;
}
