namespace MyDocker.Spec.Json;

/// <summary>
/// Field paths as they appear in messages: "process.args", "mounts[2].options", "annotations['org.x.y']".
/// The same notation as System.Text.Json's JsonException.Path, without its leading "$.", which is
/// what people who used runc or the serializer's messages know.
/// </summary>
internal static class JsonPath
{
    // The characters that make System.Text.Json write a name as ['name'] instead of .name.
    private static readonly char[] Special =
        ['.', ' ', '\'', '/', '"', '[', ']', '(', ')', '\t', '\n', '\r', '\f', '\b', '\\', '\u0085', '\u2028', '\u2029'];

    /// <summary>parent + property (or dictionary key): "process" + "args" = "process.args".</summary>
    internal static string Property(string parent, string name)
    {
        // A control character is escaped (the message stays one line), and makes the bracket form too.
        string shown = MessageText.Escape(name);
        if (name.Length == 0 || name.IndexOfAny(Special) >= 0 || shown != name)
            return $"{parent}['{shown}']";
        return parent.Length == 0 ? name : $"{parent}.{name}";
    }

    /// <summary>parent + array index: "mounts" + 2 = "mounts[2]".</summary>
    internal static string Index(string parent, int index) => $"{parent}[{index}]";
}
