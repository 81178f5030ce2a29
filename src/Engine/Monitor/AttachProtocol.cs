using System.Buffers.Binary;

namespace MyDocker.Engine.Monitor;

/// <summary>
/// The attach socket's protocol (DIR/attach.sock, or DIR/exec-EID.sock; mode 0600).
/// Every frame is 1 byte of type, 4 bytes of payload length (big-endian), then the payload.
///
///   client → monitor   0 stdin bytes
///                      1 close stdin (no payload)
///                      2 resize: rows (u16 BE), cols (u16 BE); TIOCSWINSZ on the pty master, ignored without a tty
///   monitor → client   1 stdout bytes (all of a tty's output is stdout)
///                      2 stderr bytes
///                      3 exited: the exit code in ASCII decimal, after all output; then the monitor closes
///
/// Several clients may attach at once: all get the output, stdin from any of them is forwarded.
/// A client that connects after the exit gets frame 3 at once. Stdin is forwarded only when the
/// monitor was started with --stdin.
/// </summary>
public static class AttachProtocol
{
    public const byte Stdin = 0, CloseStdin = 1, Resize = 2;
    public const byte Stdout = 1, Stderr = 2, Exited = 3;

    public const int HeaderSize = 5;

    /// <summary>A frame larger than this is a broken peer: the connection is dropped.</summary>
    public const int MaxPayload = 1 << 20;

    public static byte[] Frame(byte type, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderSize + payload.Length];
        frame[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    public static byte[] ResizeFrame(ushort rows, ushort cols)
    {
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(size, rows);
        BinaryPrimitives.WriteUInt16BigEndian(size[2..], cols);
        return Frame(Resize, size);
    }

    public static byte[] ExitedFrame(int exitCode) =>
        Frame(Exited, System.Text.Encoding.ASCII.GetBytes(exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The payload length in a header; negative or over MaxPayload means a broken peer.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt32BigEndian(header[1..]);
}
