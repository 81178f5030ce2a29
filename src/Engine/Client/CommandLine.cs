using MyDocker.Spec;

namespace MyDocker.Engine.Client;

/// <summary>
/// The flags of one client verb, parsed the way docker's CLI (Go's pflag) reads them: "-f", "--follow",
/// "--tail 5", "--tail=5", "-n5" is not supported; bundled short booleans "-aq". Each flag is given as
/// "-a|--all" (booleans) or "-t|--time=" (a trailing '=' means it takes a value). With
/// <c>stopAtCommand</c> the first positional argument ends the flags (exec ID CMD ARGS...).
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = [];
    public List<string> Positional { get; } = [];

    public bool Has(string name) => _values.ContainsKey(name);
    public string? Value(string name) => _values.TryGetValue(name, out var v) ? v[^1] : null;
    public List<string> Values(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public static CommandLine Parse(string verb, string[] args, string[] flags, bool stopAtCommand = false)
    {
        var result = new CommandLine();
        // "-a|--all" -> both spellings name the flag "all" (its long name, or its short one when it has no long one).
        var names = new Dictionary<string, (string Name, bool TakesValue)>();
        foreach (string spec in flags)
        {
            bool takesValue = spec.EndsWith('=');
            string[] spellings = spec.TrimEnd('=').Split('|');
            string name = spellings[^1].TrimStart('-');
            foreach (string s in spellings) names[s] = (name, takesValue);
        }
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") { result.Positional.AddRange(args[(i + 1)..]); break; }
            if (!a.StartsWith('-') || a == "-")
            {
                if (stopAtCommand) { result.Positional.AddRange(args[i..]); break; }
                result.Positional.Add(a);
                continue;
            }
            string flag = a;
            string? inline = null;
            int eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0) { flag = a[..eq]; inline = a[(eq + 1)..]; }
            if (names.TryGetValue(flag, out var known))
            {
                string value = known.TakesValue
                    ? inline ?? (i + 1 < args.Length ? args[++i] : throw new MyDockerException($"{verb}: flag {flag} needs a value"))
                    : inline ?? "true";
                (result._values.TryGetValue(known.Name, out var list) ? list : result._values[known.Name] = []).Add(value);
                continue;
            }
            // Bundled short booleans: -aq, -it, -fs ...
            if (!a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2
                && a[1..].All(c => names.TryGetValue("-" + c, out var k) && !k.TakesValue))
            {
                foreach (char c in a[1..]) (result._values.TryGetValue(names["-" + c].Name, out var list) ? list : result._values[names["-" + c].Name] = []).Add("true");
                continue;
            }
            throw new MyDockerException($"{verb}: unknown flag {MessageText.Quote(a)}");
        }
        return result;
    }

    /// <summary>An integer flag's value, or null when absent.</summary>
    public int? Int(string verb, string name)
    {
        string? v = Value(name);
        if (v == null) return null;
        return int.TryParse(v, out int n) ? n : throw new MyDockerException($"{verb}: --{name} {MessageText.Quote(v)}: expected a number");
    }

    public void NeedAtLeast(string verb, int count, string usage)
    {
        if (Positional.Count < count) throw new MyDockerException($"{verb} needs {(count == 1 ? "an argument" : $"{count} arguments")}: usage: mydocker {verb} {usage}");
    }
}
