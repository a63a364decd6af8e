using System.Security.Cryptography;
using System.Text;
using CallServer.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CallServer.Api;

/// <summary>The <c>X-Api-Key</c> check of admin endpoints; with no admin key configured they answer 403.</summary>
internal sealed class AdminAccess(IOptions<AuthOptions> options) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public bool IsAdmin(HttpContext context) => Check(context) is null;

    /// <summary>Null when the caller is an admin, else the answer to give.</summary>
    public ProblemHttpResult? Check(HttpContext context)
    {
        var configured = options.Value.AdminKey;
        if (string.IsNullOrEmpty(configured))
        {
            return RoomProblems.Forbidden("Admin endpoints are disabled: set Auth:AdminKey to enable them.");
        }

        var given = context.Request.Headers[Header].ToString();
        if (given.Length == 0)
        {
            return RoomProblems.Unauthorized($"This endpoint needs the {Header} header.");
        }

        // over fixed-length digests, so that neither the time nor an early length check tells how much of the key was right
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(configured)))
            ? null
            : RoomProblems.Unauthorized($"The {Header} is not valid.");
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Check(context.HttpContext) is { } refused ? refused : await next(context);
}
