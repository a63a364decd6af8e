using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace CallServer.Auth;

internal static class AuthSetup
{
    /// <summary>Participant tokens validated by the standard JwtBearer handler; on the hub path also from <c>access_token</c>.</summary>
    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<JoinTokens>();
        builder.Services.AddHostedService<JoinModeNotice>();
        builder.Services.AddSingleton<UserTokens>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, UserTokenAuthentication>(UserTokenAuthentication.SchemeName, null);
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeys>((jwt, keys) =>
        {
            jwt.MapInboundClaims = false;
            // the raw token is not kept in each authenticated request's properties: a hub connection holds those for its lifetime
            jwt.SaveToken = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = AuthOptions.Issuer,
                ValidAudience = AuthOptions.Audience,
                IssuerSigningKey = keys.Key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = ParticipantClaims.Subject,
            };
            jwt.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    // browsers cannot set headers on WebSockets: the hub, and only the hub, takes the token from the query
                    if (context.HttpContext.Request.Path.StartsWithSegments(HubPaths.Room)
                        && context.Request.Query["access_token"] is { Count: 1 } token)
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    context.Principal = ParticipantClaims.Slim(context.Principal!, context.Scheme.Name);
                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddAuthorization(authorization => authorization.AddPolicy(UserTokenAuthentication.Policy, policy =>
            policy.AddAuthenticationSchemes(UserTokenAuthentication.SchemeName).RequireAuthenticatedUser()));
        return builder;
    }
}
