using System.Buffers;
using System.Text;

namespace MyDocker.Engine.Monitor;

/// <summary>
/// One line of Docker's json-file log: {"log":"TEXT","stream":"stdout","time":"RFC3339Nano"}\n.
/// Hand-written rather than Utf8JsonWriter: a program's output need not be valid UTF-8, and Docker
/// (Go's encoding/json) replaces each invalid byte with U+FFFD instead of failing.
/// </summary>
public static class JsonLogLine
{
    private static readonly byte[] Replacement = [0xEF, 0xBF, 0xBD];
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    public static void Append(ArrayBufferWriter<byte> into, ReadOnlySpan<byte> text, string stream, DateTime time)
    {
        into.Write("{\"log\":\""u8);
        AppendEscaped(into, text);
        into.Write("\",\"stream\":\""u8);
        into.Write(Encoding.ASCII.GetBytes(stream));
        into.Write("\",\"time\":\""u8);
        into.Write(Encoding.ASCII.GetBytes(LogTime.Format(time)));
        into.Write("\"}\n"u8);
    }

    private static void AppendEscaped(ArrayBufferWriter<byte> into, ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty)
        {
            byte b = text[0];
            if (b < 0x80)
            {
                switch (b)
                {
                    case (byte)'"': into.Write("\\\""u8); break;
                    case (byte)'\\': into.Write("\\\\"u8); break;
                    case (byte)'\n': into.Write("\\n"u8); break;
                    case (byte)'\r': into.Write("\\r"u8); break;
                    case (byte)'\t': into.Write("\\t"u8); break;
                    default:
                        if (b < 0x20 || b == 0x7f)
                            into.Write([(byte)'\\', (byte)'u', (byte)'0', (byte)'0', Hex[b >> 4], Hex[b & 0xf]]);
                        else
                            into.Write((ReadOnlySpan<byte>)[b]);
                        break;
                }
                text = text[1..];
                continue;
            }
            // A multi-byte character: copied as it is when valid, U+FFFD for each broken sequence.
            var status = Rune.DecodeFromUtf8(text, out _, out int consumed);
            if (status == OperationStatus.Done) into.Write(text[..consumed]);
            else into.Write(Replacement);
            text = text[Math.Max(consumed, 1)..];
        }
    }
}
