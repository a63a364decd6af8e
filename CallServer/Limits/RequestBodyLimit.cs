using Microsoft.AspNetCore.Http.Metadata;

namespace CallServer.Limits;

/// <summary>Endpoint metadata that caps the request body (Kestrel answers a larger one with 413).</summary>
internal sealed record RequestBodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
