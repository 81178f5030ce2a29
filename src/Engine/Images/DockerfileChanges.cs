using System.Text;
using System.Text.Json;
using MyDocker.Spec;

namespace MyDocker.Engine.Images;

/// <summary>
/// `docker import --change 'CMD ["sh"]'`: Dockerfile instructions that set the new image's config.
/// Supported: CMD, ENTRYPOINT (JSON form or shell form), ENV (K=V ... or "K V"), WORKDIR, USER,
/// LABEL k=v ..., EXPOSE port[/proto] ..., VOLUME, STOPSIGNAL — the instructions Docker allows here
/// that change the config (ONBUILD is not supported).
/// </summary>
public static class DockerfileChanges
{
    public static ImageConfig Apply(ImageConfig config, IReadOnlyList<string>? changes)
    {
        if (changes == null) return config;
        foreach (string line in changes)
        {
            string text = line.Trim();
            if (text.Length == 0) continue;
            int space = text.IndexOfAny([' ', '\t']);
            string instruction = (space < 0 ? text : text[..space]).ToUpperInvariant();
            string args = space < 0 ? "" : text[(space + 1)..].Trim();
            if (args.Length == 0) throw Bad(line, $"{instruction} needs an argument");
            config = instruction switch
            {
                "CMD" => config with { Cmd = Command(args, line) },
                "ENTRYPOINT" => config with { Entrypoint = Command(args, line) },
                "ENV" => config with { Env = SetEnv(config.Env, Pairs(args, line, legacyForm: true)) },
                "LABEL" => config with { Labels = SetLabels(config.Labels, Pairs(args, line, legacyForm: false)) },
                "WORKDIR" => config with { WorkingDir = args },
                "USER" => config with { User = args },
                "STOPSIGNAL" => config with { StopSignal = args },
                "EXPOSE" => config with { ExposedPorts = AddAll(config.ExposedPorts, Words(args, line).Select(Port)) },
                "VOLUME" => config with { Volumes = AddAll(config.Volumes, args.StartsWith('[') ? JsonArray(args, line) : Words(args, line)) },
                _ => throw Bad(line, $"{instruction} is not an instruction import can apply (CMD, ENTRYPOINT, ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL)"),
            };
        }
        return config;
    }

    private static MyDockerException Bad(string line, string why) =>
        new($"--change {MessageText.Quote(line)}: {why}");

    // CMD ["a","b"] is the command as it is; CMD a b is run by the shell: ["/bin/sh","-c","a b"].
    private static List<string> Command(string args, string line) =>
        args.StartsWith('[') ? JsonArray(args, line) : ["/bin/sh", "-c", args];

    private static List<string> JsonArray(string args, string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(args);
            if (doc.RootElement.ValueKind != JsonValueKind.Array ||
                doc.RootElement.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                throw Bad(line, "the JSON form must be an array of strings");
            return doc.RootElement.EnumerateArray().Select(e => e.GetString()!).ToList();
        }
        catch (JsonException e)
        {
            throw Bad(line, $"not a JSON array: {e.Message}");
        }
    }

    /// <summary>K=V pairs (values may be quoted); with legacyForm, "K the rest" (ENV's old form) too.</summary>
    private static List<(string Key, string Value)> Pairs(string args, string line, bool legacyForm)
    {
        var words = Words(args, line);
        if (legacyForm && !words[0].Contains('='))
        {
            string key = words[0];
            string rest = args[args.IndexOf(key, StringComparison.Ordinal)..][key.Length..].Trim();
            return [(key, rest)];
        }
        var pairs = new List<(string, string)>();
        foreach (string word in words)
        {
            int eq = word.IndexOf('=');
            if (eq <= 0) throw Bad(line, $"{MessageText.Quote(word)} is not KEY=VALUE");
            pairs.Add((word[..eq], word[(eq + 1)..]));
        }
        return pairs;
    }

    /// <summary>Splits at blanks; "double" and 'single' quotes group, backslash escapes the next character.</summary>
    private static List<string> Words(string args, string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < args.Length; i++)
        {
            char c = args[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else if (c == '\\' && quote == '"' && i + 1 < args.Length) word.Append(args[++i]);
                else word.Append(c);
            }
            else if (c is ' ' or '\t')
            {
                if (inWord) { words.Add(word.ToString()); word.Clear(); inWord = false; }
            }
            else
            {
                inWord = true;
                if (c is '"' or '\'') quote = c;
                else if (c == '\\' && i + 1 < args.Length) word.Append(args[++i]);
                else word.Append(c);
            }
        }
        if (quote != '\0') throw Bad(line, "unterminated quote");
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static List<string> SetEnv(List<string>? env, List<(string Key, string Value)> pairs)
    {
        var result = env == null ? new List<string>() : new List<string>(env);
        foreach (var (key, value) in pairs)
        {
            result.RemoveAll(e => e == key || e.StartsWith(key + "=", StringComparison.Ordinal));
            result.Add($"{key}={value}");
        }
        return result;
    }

    private static Dictionary<string, string> SetLabels(Dictionary<string, string>? labels, List<(string Key, string Value)> pairs)
    {
        var result = labels == null ? new Dictionary<string, string>(StringComparer.Ordinal) : new(labels, StringComparer.Ordinal);
        foreach (var (key, value) in pairs) result[key] = value;
        return result;
    }

    private static List<string> AddAll(List<string>? list, IEnumerable<string> items)
    {
        var result = list == null ? new List<string>() : new List<string>(list);
        foreach (string item in items) if (!result.Contains(item)) result.Add(item);
        return result;
    }

    // EXPOSE 80 is "80/tcp", as Docker writes it.
    private static string Port(string word) => word.Contains('/') ? word.ToLowerInvariant() : word + "/tcp";
}
