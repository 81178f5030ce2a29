namespace MyDocker.Fuzz;

/// <summary>
/// What every target checks. Bad input must end in the runtime's own error, whose message is one
/// line (the CLI prints it as "mydocker: &lt;message&gt;"); any other exception (NullReference,
/// IndexOutOfRange, ArgumentException...), a multi-line message, or a broken round trip is a finding.
/// </summary>
internal static class Contract
{
    public static void OneLine(Exception error)
    {
        if (error.Message.Length == 0 || error.Message.AsSpan().IndexOfAny('\n', '\r') >= 0)
            throw new FuzzFinding($"{error.GetType().Name} message is not one line: {Escape(error.Message)}", error);
    }

    /// <summary>The text with control characters as \uXXXX, so a finding prints on one line.</summary>
    public static string Escape(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}

/// <summary>A broken promise of a target (not an exception of the code under test).</summary>
internal sealed class FuzzFinding(string message, Exception? inner = null) : Exception(message, inner);
