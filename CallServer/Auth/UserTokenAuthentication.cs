using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CallServer.Auth;

/// <summary>
/// The authentication scheme of user tokens: <c>Authorization: Bearer</c>, and on the user hub also <c>?access_token=</c>
/// (browsers cannot set headers on WebSockets). A refusal is a 401 ProblemDetails saying why.
/// </summary>
internal sealed class UserTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UserTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "UserToken";

    /// <summary>The authorization policy of endpoints and hubs that take a user token.</summary>
    public const string Policy = "user";

    private static readonly object ProblemKey = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : Request.Path.StartsWithSegments(HubPaths.User) && Request.Query["access_token"] is { Count: 1 } query ? query.ToString() : null;
        var (user, problem) = await tokens.CheckAsync(token);
        if (user is null)
        {
            Context.Items[ProblemKey] = problem;
            return AuthenticateResult.Fail(problem!);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(user, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var problem = Context.Items[ProblemKey] as string ?? "A user token is required.";
        await Results.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Type = Errors.ErrorCodes.Unauthorized.Type,
            Title = Errors.ErrorCodes.Unauthorized.Title,
            Detail = problem,
        }).ExecuteAsync(Context);
    }
}
