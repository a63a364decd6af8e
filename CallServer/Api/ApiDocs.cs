using CallServer.Domain.Rooms;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace CallServer.Api;

/// <summary>
/// The REST contract as OpenAPI (Microsoft.AspNetCore.OpenApi) at <c>/openapi/v1.json</c>, kept in docs/openapi.json, and its
/// reference page (Scalar) at <c>/docs</c>. The hub's contract stays in docs/API.md: OpenAPI cannot describe SignalR.
/// </summary>
internal static class ApiDocs
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IHostApplicationBuilder AddApiDocs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiDocsOptions>().BindConfiguration(ApiDocsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "CallServer",
                    Version = "v1",
                    Description = "Call rooms for mobile video-call apps: join and leave over REST, then hold a SignalR connection to "
                        + "`/hubs/room` for live status and signalling. The hub's contract (methods, events, limits) is in docs/API.md §5, "
                        + "the webhooks in §7; errors are RFC 9457 ProblemDetails, and every 503 and 429 carries `Retry-After`.",
                };
                // the same document whichever address served it (docs/openapi.json is compared with it)
                document.Servers?.Clear();
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [ApiAuth.Participant] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "JWT",
                        Description = "The participant token a join answered with; good while its participant is in the room.",
                    },
                    [ApiAuth.JoinToken] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "JWT",
                        Description = "Tokens mode (Auth:JoinSecret set): a join token your backend signs (HS256) with sub, room, exp and optionally name, grants, metadata.",
                    },
                    [ApiAuth.User] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "JWT",
                        Description = "A user token (ringing): tokens mode, your backend signs it like a join token with \"scope\": \"user\" and no room; open mode, POST /users/token.",
                    },
                    [ApiAuth.Admin] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.ApiKey,
                        In = ParameterLocation.Header,
                        Name = AdminAccess.Header,
                        Description = "The admin key (Auth:AdminKey).",
                    },
                };
                return Task.CompletedTask;
            });
            o.AddDocumentTransformer((document, _, _) =>
            {
                // the error code every ProblemDetails carries (docs/API.md §8), as an enum a client generator turns into a type
                if (document.Components?.Schemas is { } schemas && schemas.TryGetValue("ProblemDetails", out var found) && found is OpenApiSchema problem)
                {
                    problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
                    problem.Properties["code"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = "The error code (docs/API.md §8); the type is urn:callserver:error:<code>.",
                        Enum = [.. Errors.ErrorCodes.All.Select(c => (System.Text.Json.Nodes.JsonNode)c.Code)],
                    };
                    problem.Properties["retry"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Boolean,
                        Description = "True when the same request may succeed later (after Retry-After, or a back-off).",
                    };
                }

                return Task.CompletedTask;
            });
            // integers are integers: the web defaults also read numbers from strings, which a client generator must not see;
            // and the reasons a call or a participant's presence ends are the closed lists docs/API.md gives
            o.AddSchemaTransformer((schema, context, _) =>
            {
                string[]? reasons = context.JsonPropertyInfo?.Name switch
                {
                    "leaveReason" => [LeaveReasons.Left, LeaveReasons.Timeout, LeaveReasons.Kicked, LeaveReasons.Replaced, LeaveReasons.Ended, LeaveReasons.Failed],
                    "endReason" => [LeaveReasons.Empty, LeaveReasons.Ended, LeaveReasons.Failed, LeaveReasons.NotAnswered],
                    _ => null,
                };
                if (reasons is not null)
                {
                    schema.Enum = [.. reasons.Select(r => (System.Text.Json.Nodes.JsonNode)r)];
                    if (schema.Type?.HasFlag(JsonSchemaType.Null) == true)
                    {
                        schema.Enum.Add(null!);
                    }
                }

                if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Integer) && type.HasFlag(JsonSchemaType.String))
                {
                    schema.Type = type & ~JsonSchemaType.String;
                    schema.Pattern = null;
                }

                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, _, _) =>
            {
                // every 429 and 503 says when to try again (RetryAfter)
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    if (status is "429" or "503" && response is OpenApiResponse concrete)
                    {
                        concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        concrete.Headers["Retry-After"] = new OpenApiHeader
                        {
                            Description = "Seconds to wait before trying again.",
                            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                        };
                    }
                }

                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiAuth>().LastOrDefault() is { } auth)
                {
                    operation.Security = [.. auth.Schemes.Select(scheme => scheme.Length == 0
                        ? new OpenApiSecurityRequirement()
                        : new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] })];
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        if (app.Environment.IsDevelopment() || app.Services.GetRequiredService<IOptions<ApiDocsOptions>>().Value.ServeReference)
        {
            app.MapScalarApiReference("/docs", o => o.WithTitle("CallServer API").WithOpenApiRoutePattern(DocumentPath));
        }

        return app;
    }

    /// <summary>The ProblemDetails answers an endpoint may give.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder endpoint, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
        {
            endpoint.ProducesProblem(status);
        }

        return endpoint;
    }
}
