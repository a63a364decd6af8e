using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CallServer;

/// <summary>A bad setting stops the start with one line per problem, naming the setting and its rule, not a stack trace.</summary>
internal static partial class StartupFailure
{
    /// <summary>The server runs as its own process (not hosted by a test's WebApplicationFactory, which wants the exception).</summary>
    public static bool IsOwnProcess => Assembly.GetEntryAssembly() == typeof(StartupFailure).Assembly;

    /// <summary>The lines to print for <paramref name="exception"/>, or null when it is not about settings.</summary>
    public static IReadOnlyList<string>? Describe(Exception exception)
    {
        if (exception is AggregateException many)
        {
            var described = many.InnerExceptions.Select(Describe).ToList();
            return described.All(d => d is not null) ? [.. described.SelectMany(d => d!)] : null;
        }

        if (exception is InvalidOperationException { Message: var message } && message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // the binder: "Failed to convert configuration value '…' at 'Limits:JoinsPerMinute' to type 'System.Int32'."
            return [$"Invalid setting: {message}"];
        }

        if (exception is not OptionsValidationException invalid)
        {
            return exception.InnerException is { } inner ? Describe(inner) : null;
        }

        var section = invalid.OptionsType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
        return [.. invalid.Failures.Select(failure => Line(section, failure))];
    }

    private static string Line(string? section, string failure)
    {
        // DataAnnotations say "… for 'LimitsOptions' members: 'JoinsPerMinute' with the error: 'The field … must be …'."
        if (DataAnnotation().Match(failure) is { Success: true } m)
        {
            var member = m.Groups["member"].Value;
            var setting = section is null ? member : $"{section}:{member.Replace('.', ':')}";
            return $"Invalid setting {setting}: {m.Groups["error"].Value}";
        }

        return $"Invalid setting{(section is null ? "" : $" in {section}")}: {failure}";
    }

    [GeneratedRegex("members: '(?<member>[^']+)' with the error: '(?<error>.*)'\\.?$")]
    private static partial Regex DataAnnotation();
}
