using System.Buffers.Binary;

namespace MyDocker.Engine.Api;

/// <summary>
/// How output reaches a Docker client. With a TTY: the raw bytes (a terminal has one stream). Without:
/// Docker's multiplexed stream, each chunk behind an 8-byte header: [stream, 0, 0, 0, size (u32 BE)],
/// stream 1 = stdout, 2 = stderr. docker's CLI and docker-py demultiplex it.
/// </summary>
public static class StreamFraming
{
    public const byte Stdout = 1, Stderr = 2;

    public static async Task Write(Stream output, bool tty, byte stream, ReadOnlyMemory<byte> payload, CancellationToken cancel)
    {
        if (!tty)
        {
            var header = new byte[8];
            header[0] = stream;
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
            await output.WriteAsync(header, cancel);
        }
        await output.WriteAsync(payload, cancel);
        await output.FlushAsync(cancel);
    }
}
