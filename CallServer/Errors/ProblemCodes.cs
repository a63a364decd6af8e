using Microsoft.AspNetCore.Mvc;

namespace CallServer.Errors;

/// <summary>
/// Gives every ProblemDetails REST writes its error code: the <c>type</c> URI and the <c>code</c> and <c>retry</c> extensions,
/// from the code the answer was made with, or else from its status (a framework's 404 or 405, a bind failure, a 413).
/// </summary>
internal static class ProblemCodes
{
    public static void Fill(ProblemDetails problem, int status)
    {
        var code = problem.Type is { } type && type.StartsWith(ErrorCode.TypePrefix, StringComparison.Ordinal)
            ? ErrorCodes.All.FirstOrDefault(c => c.Type == type)
            : null;
        code ??= ErrorCodes.ForStatus(problem.Status ?? status);
        problem.Type = code.Type;
        problem.Title ??= code.Title;
        problem.Extensions["code"] = code.Code;
        problem.Extensions["retry"] = code.Retry;
    }
}
