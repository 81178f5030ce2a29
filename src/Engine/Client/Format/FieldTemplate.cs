using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MyDocker.Spec;

namespace MyDocker.Engine.Client.Format;

/// <summary>
/// The small part of docker's Go templates (--format) that scripts use most: "{{.State.Status}}",
/// "{{.Config.Cmd}}", "{{json .State}}", with text around them. Anything else is an error, not a guess.
/// </summary>
public static partial class FieldTemplate
{
    [GeneratedRegex(@"\{\{\s*(json\s+)?\.([A-Za-z0-9_.]*)\s*\}\}")]
    private static partial Regex Action();

    public static string Apply(string template, JsonNode? value)
    {
        string rest = Action().Replace(template, "");
        if (rest.Contains("{{", StringComparison.Ordinal))
            throw new MyDockerException($"--format {MessageText.Quote(template)}: only {{{{.Field.Sub}}}} and {{{{json .Field}}}} are supported");
        return Action().Replace(template, m =>
        {
            JsonNode? node = value;
            foreach (string part in m.Groups[2].Value.Split('.', StringSplitOptions.RemoveEmptyEntries))
                node = node is JsonObject o ? o[part] : throw new MyDockerException($"--format: {MessageText.Quote(m.Value)}: no field {MessageText.Quote(part)}");
            if (m.Groups[1].Success) return JsonOutput.Compact(node);
            return GoText(node);
        });
    }

    /// <summary>How Go's text/template prints a value: strings bare, lists as [a b], null as &lt;no value&gt;... as docker shows them.</summary>
    private static string GoText(JsonNode? node) => node switch
    {
        null => "<no value>",
        JsonArray a => "[" + string.Join(' ', a.Select(GoText)) + "]",
        JsonObject o => "map[" + string.Join(' ', o.Select(kv => $"{kv.Key}:{GoText(kv.Value)}")) + "]",
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => JsonOutput.Compact(node),
    };
}
