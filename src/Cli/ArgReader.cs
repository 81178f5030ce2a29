using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>
/// A small runc-style argument reader: "--flag value", "--flag=value", "-f value", boolean flags,
/// and positional arguments, consumed left to right. It has no reflection, so it is NativeAOT-safe.
/// </summary>
public sealed class ArgReader
{
    private readonly string[] _args;
    private int _pos;

    public ArgReader(string[] args) => _args = args;

    public bool AtEnd => _pos >= _args.Length;
    public string? Peek => AtEnd ? null : _args[_pos];

    public string Next() => _args[_pos++];

    /// <summary>The arguments not read yet.</summary>
    public string[] Rest() => _args[_pos..];

    /// <summary>True when the current argument is a flag (starts with '-', is not "-" alone and not after "--").</summary>
    public bool AtFlag => !AtEnd && _args[_pos].Length > 1 && _args[_pos][0] == '-';

    /// <summary>
    /// Reads the current flag and splits "--name=value". Returns the name without dashes.
    /// </summary>
    public string NextFlag(out string? inlineValue)
    {
        string a = Next();
        string name = a.TrimStart('-');
        int eq = name.IndexOf('=');
        if (eq >= 0)
        {
            inlineValue = name[(eq + 1)..];
            return name[..eq];
        }
        inlineValue = null;
        return name;
    }

    /// <summary>
    /// The value of a flag that takes one: inline ("--x=v") or the next argument. It must not be
    /// empty: every such flag names a path, an ID, a number or a name, and "" would otherwise
    /// reach deep code as a path ("--bundle=" as the current directory, "--root=" as nothing).
    /// </summary>
    public string FlagValue(string name, string? inlineValue)
    {
        string value = FlagValueOrEmpty(name, inlineValue);
        if (value.Length == 0) throw new MyDockerException($"flag --{name} needs a non-empty value");
        return value;
    }

    /// <summary>Like <see cref="FlagValue"/>, for the few flags where "" means something ("no label").</summary>
    public string FlagValueOrEmpty(string name, string? inlineValue)
    {
        if (inlineValue != null) return inlineValue;
        if (AtEnd) throw new MyDockerException($"flag --{name} needs a value");
        return Next();
    }
}
