using System.Text;
using System.Text.Encodings.Web;

namespace MyDocker.Spec.Json;

/// <summary>
/// How SpecWriter escapes strings: only what JSON needs, like Go's encoding/json that runc uses, minus
/// its HTML escapes. Escaped: the quote, the backslash, control characters (C0, DEL, C1) and the two
/// line separators U+2028/U+2029 (JavaScript treats them as line ends). Everything else is written
/// as UTF-8, as it is: paths, annotations and hostnames stay readable.
///
/// Why not JavaScriptEncoder.UnsafeRelaxedJsonEscaping: building it fills a 64K-entry table of
/// allowed characters, about 0.1 ms of every `mydocker state` (docs/PERFORMANCE.md).
/// </summary>
public sealed class JsonTextEncoder : JavaScriptEncoder
{
    public static readonly JsonTextEncoder Instance = new();

    private JsonTextEncoder() { }

    // "\u001F" is the longest escape of one UTF-16 unit.
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\' ||
        (unicodeScalar >= 0x7F && unicodeScalar <= 0x9F) || unicodeScalar == 0x2028 || unicodeScalar == 0x2029;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (int i = 0; i < textLength; i++)
        {
            char c = text[i];
            if (char.IsSurrogate(c))
            {
                // A valid pair is a character beyond the BMP: written as it is. A lone half is not text.
                if (char.IsHighSurrogate(c) && i + 1 < textLength && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
                return i;
            }
            if (WillEncode(c)) return i;
        }
        return -1;
    }

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        int i = 0;
        while (i < utf8Text.Length)
        {
            byte b = utf8Text[i];
            if (b < 0x80)
            {
                if (WillEncode(b)) return i;
                i++;
                continue;
            }
            // Invalid UTF-8 is encoded (as U+FFFD) rather than copied.
            if (Rune.DecodeFromUtf8(utf8Text[i..], out var rune, out int used) != System.Buffers.OperationStatus.Done || WillEncode(rune.Value))
                return i;
            i += used;
        }
        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        string? shortForm = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\f' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ => null,
        };
        if (shortForm != null) return Copy(shortForm, buffer, bufferLength, out numberOfCharactersWritten);
        if (WillEncode(unicodeScalar)) return Copy($"\\u{unicodeScalar:X4}", buffer, bufferLength, out numberOfCharactersWritten);

        // Not escaped: the character itself, one or two UTF-16 units.
        var rune = new Rune(unicodeScalar);
        if (rune.Utf16SequenceLength > bufferLength) { numberOfCharactersWritten = 0; return false; }
        numberOfCharactersWritten = rune.EncodeToUtf16(new Span<char>(buffer, bufferLength));
        return true;
    }

    private static unsafe bool Copy(string text, char* buffer, int bufferLength, out int written)
    {
        if (text.Length > bufferLength) { written = 0; return false; }
        for (int i = 0; i < text.Length; i++) buffer[i] = text[i];
        written = text.Length;
        return true;
    }
}
