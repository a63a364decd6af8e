namespace CallServer;

/// <summary>Which requests the browser client's files (wwwroot) may answer.</summary>
internal static class StaticFiles
{
    /// <summary>GET and HEAD outside the hubs: the file lookup is skipped for the API's writes and for every hub connect.</summary>
    public static bool MayServe(HttpContext http) =>
        (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        && !http.Request.Path.StartsWithSegments("/hubs");
}
