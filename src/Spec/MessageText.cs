using System.Text;

namespace MyDocker.Spec;

/// <summary>
/// Text from an input file inside an error message. A message is one line (the CLI prints it as
/// "mydocker: &lt;message&gt;"), so the control characters of a value, a newline first of all, are
/// written as config.json spells them (\n, \u0000): the line stays one line, and shows what is in the file.
/// </summary>
public static class MessageText
{
    /// <summary>"value", its control characters escaped.</summary>
    public static string Quote(string value) => "\"" + Escape(value) + "\"";

    /// <summary>The text with its control characters (and the Unicode line separators) as JSON escapes.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(IsSpecial)) return text;
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (c == '\n') escaped.Append("\\n");
            else if (c == '\r') escaped.Append("\\r");
            else if (c == '\t') escaped.Append("\\t");
            else if (IsSpecial(c)) escaped.Append($"\\u{(int)c:X4}");
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    // C0 and C1 controls and DEL (char.IsControl), and the two characters Unicode defines as line breaks.
    private static bool IsSpecial(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
