using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CallServer.Tests.Configuration;

/// <summary>
/// docs/CONFIGURATION.md, made from the options classes themselves: every setting's name, default (a new instance's value),
/// validation rule (its DataAnnotations) and description (its XML summary).
/// </summary>
internal static partial class ConfigurationReference
{
    public static string Generate()
    {
        var assemblies = new[] { typeof(Program).Assembly, typeof(CallServer.Domain.Rooms.RoomsOptions).Assembly };
        var docs = assemblies.SelectMany(a => XDocument.Load(Path.ChangeExtension(a.Location, ".xml")).Descendants("member"))
            .ToDictionary(m => (string)m.Attribute("name")!, m => Text(m.Element("summary")), StringComparer.Ordinal);
        var roots = assemblies.SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string))
            .Where(t => t.Section is not null && t.Type.Name.EndsWith("Options", StringComparison.Ordinal))
            .OrderBy(t => t.Section, StringComparer.Ordinal);

        var md = new StringBuilder();
        md.AppendLine("# Configuration reference");
        md.AppendLine();
        md.AppendLine("Generated from the options classes by `ConfigurationReferenceTests` (which fails when this file is stale; run it with");
        md.AppendLine("`UPDATE_GENERATED_DOCS=1` to write it again). Every setting can be given in appsettings.json, as an environment");
        md.AppendLine("variable (`Limits__JoinsPerMinute=60`) or on the command line (`--Limits:JoinsPerMinute=60`). A value that breaks its rule");
        md.AppendLine("stops the start with one line naming the setting and the rule. `N` in a name is a list index from 0.");
        md.AppendLine();
        md.AppendLine("| setting | default | rule | what it does |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine("| `ConnectionStrings:Redis` | empty: the embedded store (Garnet) on a loopback port | StackExchange.Redis syntax | The backup of every room and the pub/sub between instances (`host:6379,password=…`; through Sentinel `s1:26379,s2:26379,serviceName=mymaster`). |");
        md.AppendLine("| `ConnectionStrings:Postgres` | empty: SQLite `history.db` in `Storage:DataDir` | Npgsql syntax | The call history (`Host=db;Username=…;Password=…;Database=…`); migrated at start-up. |");
        foreach (var (type, section) in roots)
        {
            Rows(md, type, section!, docs);
        }

        return md.ToString();
    }

    private static void Rows(StringBuilder md, Type type, string prefix, IReadOnlyDictionary<string, string> docs)
    {
        var defaults = Activator.CreateInstance(type, nonPublic: true);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var name = $"{prefix}:{property.Name}";
            var description = docs.GetValueOrDefault($"P:{type.FullName}.{property.Name}") ?? "";
            var value = property.GetValue(defaults);
            var element = ElementType(property.PropertyType);
            if (element is not null && !IsScalar(element))
            {
                // a list of objects (endpoints, ICE servers): one row per field, under an index
                md.AppendLine(CultureInfo.InvariantCulture, $"| `{name}` | none | a list | {description} |");
                Rows(md, element, $"{name}:N", docs);
            }
            else if (element is null && !IsScalar(property.PropertyType))
            {
                Rows(md, property.PropertyType, name, docs);
            }
            else
            {
                var shown = element is not null ? $"{name}:N" : name;
                md.AppendLine(CultureInfo.InvariantCulture, $"| `{shown}` | {Default(value)} | {Rule(property)} | {description} |");
            }
        }
    }

    private static Type? ElementType(Type type) =>
        type != typeof(string) && type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0] : null;

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal);
    }

    private static string Default(object? value) => value switch
    {
        null => "none",
        string s when s.Length == 0 => "none",
        string s => $"`{s}`",
        bool b => b ? "true" : "false",
        IEnumerable e when !e.Cast<object>().Any() => "none",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "none",
    };

    private static string Rule(PropertyInfo property)
    {
        var rules = new List<string>();
        foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
        {
            rules.Add(attribute switch
            {
                RangeAttribute r => $"{Convert.ToString(r.Minimum, CultureInfo.InvariantCulture)} to {Convert.ToString(r.Maximum, CultureInfo.InvariantCulture)}",
                RegularExpressionAttribute x when x.ErrorMessage is { } message => message.TrimEnd('.'),
                RegularExpressionAttribute x => $"matches `{x.Pattern}`",
                RequiredAttribute => "required",
                UrlAttribute => "a URL",
                _ => attribute.GetType().Name.Replace("Attribute", "", StringComparison.Ordinal),
            });
        }

        return rules.Count == 0 ? "" : string.Join("; ", rules).Replace("|", "\\|", StringComparison.Ordinal);
    }

    /// <summary>A summary as one line of Markdown: <c>code</c> in backticks, references by their last name.</summary>
    private static string Text(XElement? summary)
    {
        if (summary is null)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "c" } c => $"`{c.Value}`",
                XElement { Name.LocalName: "see" or "seealso" } see => $"`{((string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? "").Split('.', ':')[^1]}`",
                XElement { Name.LocalName: "paramref" or "typeparamref" } p => (string?)p.Attribute("name"),
                XElement e => e.Value,
                _ => "",
            });
        }

        return Spaces().Replace(text.ToString(), " ").Trim().Replace("|", "\\|", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
