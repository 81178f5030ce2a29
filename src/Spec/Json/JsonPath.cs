namespace MyDocker.Spec.Json;

/// <summary>
/// Field paths as they appear in messages: "process.args", "mounts[2].options", "annotations['org.x.y']".
/// The same notation as System.Text.Json's JsonException.Path, without its leading "$.".
/// </summary>
internal static class JsonPath
{
    // The characters that make System.Text.Json write a name as ['name'] instead of .name.
    private static readonly char[] Special =
        ['.', ' ', '\'', '/', '"', '[', ']', '(', ')', '\t', '\n', '\r', '\f', '\b', '\\', '\u0085', '\u2028', '\u2029'];

    /// <summary>parent + property (or dictionary key): "process" + "args" = "process.args".</summary>
    internal static string Property(string parent, string name)
    {
        if (name.Length == 0 || name.IndexOfAny(Special) >= 0)
            return $"{parent}['{name}']";
        return parent.Length == 0 ? name : $"{parent}.{name}";
    }

    /// <summary>parent + array index: "mounts" + 2 = "mounts[2]".</summary>
    internal static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>"$.process.args" → "process.args"; "$" → "".</summary>
    internal static string FromJsonException(string? stjPath)
    {
        if (string.IsNullOrEmpty(stjPath) || stjPath == "$") return "";
        if (stjPath.StartsWith("$.", StringComparison.Ordinal)) return stjPath[2..];
        if (stjPath.StartsWith('$')) return stjPath[1..];
        return stjPath;
    }

    /// <summary>One step of a path: a property (or dictionary key) name, or an array index.</summary>
    internal readonly record struct Segment(string? Name, int Index)
    {
        public bool IsIndex => Name is null;
    }

    /// <summary>Splits a path in this notation ("" is the document itself). Null when it cannot be read.</summary>
    internal static List<Segment>? Parse(string path)
    {
        var segments = new List<Segment>();
        int i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }
            if (path[i] == '[')
            {
                if (i + 1 < path.Length && path[i + 1] == '\'')
                {
                    int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                    if (end < 0) return null;
                    segments.Add(new Segment(path[(i + 2)..end], 0));
                    i = end + 2;
                }
                else
                {
                    int end = path.IndexOf(']', i + 1);
                    if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), out int index)) return null;
                    segments.Add(new Segment(null, index));
                    i = end + 1;
                }
                continue;
            }
            int stop = path.IndexOfAny(['.', '['], i);
            if (stop < 0) stop = path.Length;
            segments.Add(new Segment(path[i..stop], 0));
            i = stop;
        }
        return segments;
    }
}
