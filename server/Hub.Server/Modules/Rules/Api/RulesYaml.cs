using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hub.Core.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace Hub.Server.Modules.Rules.Api;

/// <summary>A YAML document that could not be read, and where.</summary>
public sealed record YamlProblem(string Message, long Line, long Column);

/// <summary>
/// <c>rules.yaml</c> in and out (spec 004, "Rule Configuration"): a list of rules, each written as the JSON API writes
/// one. YAML is read into JSON first, so both go through one set of checks.
/// </summary>
internal static partial class RulesYaml
{
    // Aliases can make a small document expand enormously ("billion laughs"); no real rules file comes near this.
    private const int MaxNodes = 200_000;

    private static readonly ISerializer Writer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .WithIndentedSequences()
        .Build();

    /// <summary>Reads the rules of a YAML document: a list, or a mapping whose <c>rules</c> is the list.</summary>
    public static (List<JsonNode?>? Rules, YamlProblem? Problem) Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            return (null, new YamlProblem(Inner(ex), ex.Start.Line, ex.Start.Column));
        }
        catch (InvalidOperationException)
        {
            // Some malformed documents make YamlDotNet's scanner fail without a position: find where it stopped.
            var at = LastGoodMark(text);
            return (null, new YamlProblem("The YAML is malformed after this point (an unclosed bracket, brace or quote?).", at.Line, at.Column));
        }

        if (stream.Documents.Count == 0)
        {
            return ([], null);
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            return (null, new YamlProblem("Give one YAML document (one list of rules).", second.Line, second.Column));
        }

        var root = stream.Documents[0].RootNode;
        if (root is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("rules"), out var inner))
        {
            root = inner;
        }

        if (root is not YamlSequenceNode list)
        {
            return (null, new YamlProblem("The document must be a list of rules (- name: ...).", root.Start.Line, root.Start.Column));
        }

        var budget = MaxNodes;
        var rules = new List<JsonNode?>();
        foreach (var item in list.Children)
        {
            var node = ToJson(item, ref budget);
            if (budget < 0)
            {
                return (null, new YamlProblem("The document is too large once its aliases are expanded.", item.Start.Line, item.Start.Column));
            }

            rules.Add(node);
        }

        return (rules, null);
    }

    /// <summary>Writes <paramref name="rules"/> (already in order) as a rules.yaml that <see cref="Read"/> reads back to the same rules.</summary>
    public static string Write(IEnumerable<Rule> rules)
    {
        var items = new List<object>();
        foreach (var rule in rules)
        {
            var item = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = rule.Name };
            if (rule.Description is not null)
            {
                item["description"] = rule.Description;
            }

            item["enabled"] = rule.IsActive;
            item["trigger"] = new Dictionary<string, object?> { ["event_type"] = rule.EventType };
            var conditions = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (rule.Conditions.All is { Count: > 0 })
            {
                conditions["all"] = ToPlain(JsonSerializer.SerializeToNode(rule.Conditions.All, RuleJson.Sparse));
            }

            if (rule.Conditions.Any is { Count: > 0 })
            {
                conditions["any"] = ToPlain(JsonSerializer.SerializeToNode(rule.Conditions.Any, RuleJson.Sparse));
            }

            if (conditions.Count > 0)
            {
                item["conditions"] = conditions;
            }

            item["action"] = ToPlain(JsonSerializer.SerializeToNode(rule.Action, RuleJson.NoNulls));
            item["suppression"] = ToPlain(JsonSerializer.SerializeToNode(rule.Suppression, RuleJson.NoNulls));
            item["continue"] = rule.Continue;
            items.Add(item);
        }

        return items.Count == 0 ? "[]\n" : Writer.Serialize(items);
    }

    private static JsonNode? ToJson(YamlNode node, ref int budget)
    {
        if (--budget < 0)
        {
            return null;
        }

        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode { Value: { } k } ? k : key.ToString();
                    obj[name] = ToJson(value, ref budget);
                }

                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                foreach (var child in seq.Children)
                {
                    array.Add(ToJson(child, ref budget));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    /// <summary>YAML 1.2 core schema: plain <c>true</c>, <c>42</c>, <c>~</c> are a boolean, a number, null; quoted text is text.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain || scalar.Tag is { IsEmpty: false, IsNonSpecific: false, Value: "tag:yaml.org,2002:str" })
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (IntPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return JsonValue.Create(whole);
        }

        if (FloatPattern().IsMatch(text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    /// <summary>JSON as plain .NET values the YAML writer knows: strings, numbers, booleans, lists, ordered maps.</summary>
    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToPlain(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetValue<long>(out var l) ? l
                : value.TryGetValue<decimal>(out var d) ? d
                : decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };

    private static Mark LastGoodMark(string text)
    {
        var parser = new Parser(new StringReader(text));
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                last = parser.Current?.End ?? last;
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // Expected: the document is malformed; the last mark read is where it went wrong.
        }

        return last;
    }

    private static string Inner(YamlException ex)
    {
        // YamlDotNet wraps the scanner's error; its own message carries no position text worth repeating.
        var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
        var cut = message.IndexOf("):", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && cut > 0 ? message[(cut + 2)..].Trim() : message;
    }

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
