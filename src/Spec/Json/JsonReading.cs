using System.Text;
using System.Text.Json;

namespace MyDocker.Spec.Json;

/// <summary>
/// Reads a spec document and turns what goes wrong into one line for a person:
///   "config.json: invalid JSON at line 3, column 5: &lt;reason&gt;"
///   "config.json: process.args: expected an array of strings"
///   "config.json: process.cwd: is required"
/// Syntax is checked first, over the whole text (JsonDocument), so a syntax error is never hidden
/// behind a type error; then a <see cref="JsonKind{T}"/> maps the tree onto the model, naming the
/// path of the first field of the wrong shape.
/// </summary>
internal static class JsonReading
{
    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
    };

    /// <summary>JsonDocumentOptions.MaxDepth's default (Options leaves it at 0, which means this).</summary>
    private const int MaxDepth = 64;

    public static T Read<T>(string json, JsonKind<T> kind, string documentName)
    {
        if (json.Length > 0 && json[0] == '\uFEFF') json = json[1..]; // a UTF-8 byte order mark
        if (string.IsNullOrWhiteSpace(json))
            throw new MyDockerException($"{documentName}: is empty");

        // Not disposed, on purpose: Dispose returns the document's buffers to ArrayPool<byte>.Shared,
        // and the second return of a process runs the pool's one-time processor-id calibration
        // (ProcessorIdCache's static constructor), about 0.3 ms of every runtime and init process
        // here (docs/PERFORMANCE.md section 5). The buffers go with the rest of the short-lived heap.
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Encoding.UTF8.GetBytes(json), Options);
        }
        catch (JsonException e)
        {
            throw new MyDockerException(SyntaxMessage(documentName, json, e), e);
        }

        try
        {
            return kind.Read(document.RootElement, "");
        }
        catch (JsonShapeException e)
        {
            throw new MyDockerException($"{documentName}: {e.Message}", e);
        }
        catch (InvalidOperationException e) when (UnpairedSurrogate(document.RootElement, "") is { } where)
        {
            throw new MyDockerException($"{documentName}: {where}invalid \\u escape (an unpaired UTF-16 surrogate)", e);
        }
    }

    /// <summary>
    /// Where the first string or property name with a lone surrogate escape ("\ud800") is, as "path: "
    /// ("" at the top, "path: a property name: " for a name), or null if there is none. JsonDocument.Parse
    /// accepts such escapes; reading the text as a .NET string throws InvalidOperationException.
    /// </summary>
    internal static string? UnpairedSurrogate(JsonElement element, string path)
    {
        string at = path.Length == 0 ? "" : path + ": ";
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(() => element.GetString()) ? null : at;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in element.EnumerateArray())
                    if (UnpairedSurrogate(item, JsonPath.Index(path, i++)) is { } found) return found;
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Decodes(() => property.Name)) return at + "a property name: ";
                    if (UnpairedSurrogate(property.Value, JsonPath.Property(path, property.Name)) is { } found) return found;
                }
                return null;
            default:
                return null;
        }
    }

    private static bool Decodes(Func<string?> read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // ---- syntax errors ----

    internal static string SyntaxMessage(string documentName, string json, JsonException e)
    {
        long line = (e.LineNumber ?? 0) + 1;
        long column = (e.BytePositionInLine ?? 0) + 1;
        return $"{documentName}: invalid JSON at line {line}, column {column}: {SyntaxReason(e.Message, json, e.LineNumber ?? 0, e.BytePositionInLine ?? 0)}";
    }

    internal static string SyntaxReason(string? message, string json, long line, long bytePositionInLine)
    {
        string reason = message ?? "";
        int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0) reason = reason[..cut];
        reason = reason.Trim();
        // Two common mistakes whose English messages talk about reader internals.
        if (reason.Contains("trailing comma", StringComparison.OrdinalIgnoreCase) || reason.StartsWith("TrailingComma", StringComparison.Ordinal))
            return "a trailing comma is not allowed";
        if (reason.StartsWith("Expected depth to be zero", StringComparison.Ordinal))
            return "unexpected end of data (an object or array is not closed)";
        // 10 MB of "[[[[..." stops at the reader's depth limit; the character there is not the problem.
        if (reason.StartsWith("ArrayDepthTooLarge", StringComparison.Ordinal) || reason.StartsWith("ObjectDepthTooLarge", StringComparison.Ordinal)
            || reason.Contains("maximum configured depth", StringComparison.Ordinal))
            return $"nested deeper than {MaxDepth} levels";
        if (reason.Length == 0 || LooksLikeResourceKey(reason))
            return DescribePosition(json, line, bytePositionInLine);
        return reason.TrimEnd('.');
    }

    // With UseSystemResourceKeys (the NativeAOT binary) messages are "ResourceKey, arg, ...", not English.
    private static bool LooksLikeResourceKey(string message)
    {
        int i = 0;
        while (i < message.Length && (char.IsAsciiLetterOrDigit(message[i]) || message[i] == '_')) i++;
        return i > 0 && (i == message.Length || message[i] == ',');
    }

    /// <summary>A reason made from the text itself: what stands at the position the reader stopped at.</summary>
    internal static string DescribePosition(string json, long line, long bytePositionInLine)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        long offset = 0;
        for (long l = 0; l < line && offset < bytes.Length; offset++)
            if (bytes[offset] == (byte)'\n') l++;
        offset += bytePositionInLine;
        if (offset >= bytes.Length || IsBlank(bytes.AsSpan((int)offset)))
            return "unexpected end of data";
        // Back up to the first byte of a UTF-8 sequence, then decode one character.
        while (offset > 0 && (bytes[offset] & 0xC0) == 0x80) offset--;
        int length = Math.Min(4, bytes.Length - (int)offset);
        string text = Encoding.UTF8.GetString(bytes, (int)offset, length);
        var rune = Rune.GetRuneAt(text, 0);
        return Rune.IsControl(rune) ? $"unexpected character U+{rune.Value:X4}" : $"unexpected character '{rune}'";
    }

    private static bool IsBlank(ReadOnlySpan<byte> rest)
    {
        foreach (byte b in rest)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        return true;
    }
}
