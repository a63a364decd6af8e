namespace CallServer.Webhooks;

/// <summary>One receiver of webhooks.</summary>
internal sealed class WebhookEndpointOptions
{
    public const string SecretPrefix = "whsec_";

    public const int MinSecretBytes = 24;

    /// <summary>Where events are POSTed (http or https).</summary>
    public string Url { get; set; } = "";

    /// <summary>The signing secret in the Standard Webhooks form: <c>whsec_</c> and the base64 of at least 24 random bytes.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The event types this receiver takes; none: every type but <c>participant.media_changed</c>, <c>participant.metadata_changed</c> and <c>room.metadata_changed</c> (docs/API.md §7).</summary>
    public List<string>? Events { get; set; }

    /// <summary>What is wrong with this endpoint's settings.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"Url '{Url}' is not an absolute http or https URL.";
        }

        if (SecretBytes() is not { Length: >= MinSecretBytes })
        {
            yield return $"Secret must be '{SecretPrefix}' followed by the base64 of at least {MinSecretBytes} random bytes.";
        }

        foreach (var type in (Events ?? []).Where(t => !WebhookEventTypes.All.Contains(t)))
        {
            yield return $"Events: '{type}' is not an event type ({string.Join(", ", WebhookEventTypes.All)}).";
        }
    }

    /// <summary>The secret's key bytes, or null when it is not in the <c>whsec_</c> base64 form.</summary>
    public byte[]? SecretBytes()
    {
        if (!Secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var key = Secret[SecretPrefix.Length..];
        var bytes = new byte[key.Length];
        return Convert.TryFromBase64String(key, bytes, out var written) ? bytes[..written] : null;
    }

    /// <summary>Whether this receiver takes events of <paramref name="type"/>.</summary>
    public bool Takes(string type) => Events is { Count: > 0 } chosen ? chosen.Contains(type) : WebhookEventTypes.Default.Contains(type);
}
