using System.Text;
using MyDocker.Spec;

namespace MyDocker.Runtime.State;

/// <summary>
/// Container IDs name directories under --root, so they are checked before any use.
/// The rule: 1 to <see cref="MaxLength"/> characters among letters, digits and "_+-." (runc's
/// ^[\w+-\.]+$), and not "." or "..". An ID like "../x" can therefore never reach outside the
/// state root. runc sets no length limit, but the state directory (and the default cgroup
/// /mydocker/ID) is one path component, and Linux refuses a name longer than 255 bytes
/// (NAME_MAX): longer IDs are refused here, with the rule, rather than by mkdir.
/// </summary>
public static class ContainerId
{
    public const int MaxLength = 255;

    /// <summary>How many characters of an ID an error message shows (a Docker ID is 64).</summary>
    public const int ShownLength = 64;

    public const string Rule = "1 to 255 letters, digits and _+-. (not \".\" or \"..\")";

    public static string Validate(string id)
    {
        if (id.Length == 0) throw new MyDockerException($"container ID must not be empty: use {Rule}");
        if (id.Length > MaxLength)
            throw new MyDockerException($"invalid container ID {Quote(id)}: longer than {MaxLength} characters; use {Rule}");
        if (id is "." or "..") throw new MyDockerException($"invalid container ID {Quote(id)}: use {Rule}");
        foreach (char c in id)
        {
            bool ok = char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '-' or '.';
            if (!ok) throw new MyDockerException($"invalid container ID {Quote(id)}: use {Rule}");
        }
        return id;
    }

    /// <summary>
    /// An ID as error messages show it: quoted; cut after <see cref="ShownLength"/> characters with
    /// its length ("aaaa…" (1000 characters)); control characters escaped, so the line stays one line.
    /// </summary>
    public static string Quote(string id)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in id.Length > ShownLength ? id[..ShownLength] : id)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (char.IsControl(c)) sb.Append($"\\x{(int)c:x2}");
            else sb.Append(c);
        }
        sb.Append(id.Length > ShownLength ? $"…\" ({id.Length} characters)" : "\"");
        return sb.ToString();
    }
}
