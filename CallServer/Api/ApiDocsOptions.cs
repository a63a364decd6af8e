namespace CallServer.Api;

/// <summary>The API reference page (<c>ApiDocs:*</c>).</summary>
internal sealed class ApiDocsOptions
{
    public const string Section = "ApiDocs";

    /// <summary>Serves the API reference page (Scalar) at <c>/docs</c>; always on in Development. The OpenAPI document itself is always at <c>/openapi/v1.json</c>.</summary>
    public bool ServeReference { get; set; }
}
