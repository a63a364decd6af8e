namespace CallServer.Auth;

internal static partial class AuthLog
{
    [LoggerMessage(1, LogLevel.Warning, "Open mode: anyone may join any room. Set Auth:JoinSecret (at least 32 characters) to require join tokens signed by your app's backend")]
    public static partial void OpenMode(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "Tokens mode: joins need a join token signed with Auth:JoinSecret, valid for at most {MaxMinutes} minutes (previous secret accepted: {Rotating})")]
    public static partial void TokensMode(ILogger logger, int maxMinutes, bool rotating);
}
