using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;

namespace CallServer.Client;

/// <summary>
/// REST calls with the contract's duties (docs/MOBILE.md §3): a refusal with <c>retry</c> (503, 429, …) is made again after
/// <c>Retry-After</c> seconds (or a doubling back-off), with the same <c>Idempotency-Key</c>; any other refusal is a
/// <see cref="CallServerException"/> with its code.
/// </summary>
internal sealed class RestCalls(HttpClient http, CallClientOptions options)
{
    public async Task<T> PostAsync<T>(string path, string? bearer, string? idempotencyKey, object? body, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        var delay = options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            request.Content = body is null ? null : JsonContent.Create(body);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < options.MaxAttempts)
            {
                // no answer (a dropped network): the same request again, with its key
                await Task.Delay(delay, cancellationToken);
                delay *= 2;
                continue;
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    return (await response.Content.ReadFromJsonAsync(answer, cancellationToken))!;
                }

                var refusal = await RefusalAsync(response, cancellationToken);
                if (!refusal.Retry || attempt >= options.MaxAttempts)
                {
                    throw refusal;
                }

                await Task.Delay(response.Headers.RetryAfter?.Delta ?? delay, cancellationToken);
                delay *= 2;
            }
        }
    }

    private static async Task<CallServerException> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemBody? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync(ClientJson.Default.ProblemBody, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            // not a ProblemDetails (a proxy's page): the status decides
        }

        var status = (int)response.StatusCode;
        var retry = problem?.Retry ?? status is (int)HttpStatusCode.TooManyRequests or >= 500;
        return new CallServerException(problem?.Code ?? "http_" + status, problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "", retry, status);
    }
}
