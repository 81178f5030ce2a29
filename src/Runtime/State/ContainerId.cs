using MyDocker.Spec;

namespace MyDocker.Runtime.State;

/// <summary>
/// Container IDs name directories under --root, so they are checked before any use:
/// letters, digits and "_+-." only (runc's rule), never "." or "..", at most 1024 characters.
/// An ID like "../x" can therefore never reach outside the state root.
/// </summary>
public static class ContainerId
{
    public static string Validate(string id)
    {
        if (id.Length == 0) throw new MyDockerException("container ID must not be empty");
        if (id.Length > 1024) throw new MyDockerException("container ID is longer than 1024 characters");
        if (id is "." or "..") throw new MyDockerException($"invalid container ID \"{id}\"");
        foreach (char c in id)
        {
            bool ok = char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '-' or '.';
            if (!ok) throw new MyDockerException($"invalid container ID \"{Printable(id)}\": only letters, digits and _+-. are allowed");
        }
        return id;
    }

    /// <summary>Control characters as \n, \t, \u0001: an error about an ID stays one line on the terminal.</summary>
    private static string Printable(string id)
    {
        if (!id.Any(char.IsControl)) return id;
        var sb = new System.Text.StringBuilder();
        foreach (char c in id)
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return sb.ToString();
    }
}
