using System.Buffers.Binary;

namespace MyDocker.Engine.Client.Streams;

/// <summary>
/// Splits Docker's multiplexed stream (no TTY) back into stdout and stderr: each chunk comes behind
/// an 8-byte header [stream, 0, 0, 0, size u32 big-endian]; stream 1 is stdout, 2 stderr, 3 an error
/// of the daemon. The name is docker's (pkg/stdcopy).
/// </summary>
public static class StdCopy
{
    public static async Task Demultiplex(Stream input, Stream stdout, Stream stderr, CancellationToken cancel = default)
    {
        var header = new byte[8];
        var buffer = new byte[32 * 1024];
        while (true)
        {
            if (!await ReadFull(input, header, cancel)) return; // the end, at a frame boundary
            int size = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            if (header[0] == 3)
            {
                var text = new byte[size];
                await ReadFull(input, text, cancel);
                throw new ClientException(0, System.Text.Encoding.UTF8.GetString(text).Trim());
            }
            Stream target = header[0] switch
            {
                0 or 1 => stdout,
                2 => stderr,
                var s => throw new ClientException(0, $"the daemon sent a frame of unknown stream {s} (expected Docker's multiplexed stream)"),
            };
            while (size > 0)
            {
                int n = await input.ReadAsync(buffer.AsMemory(0, Math.Min(size, buffer.Length)), cancel);
                if (n == 0) return; // the connection ended inside a frame: nothing more will come
                await target.WriteAsync(buffer.AsMemory(0, n), cancel);
                size -= n;
            }
            await target.FlushAsync(cancel);
        }
    }

    /// <summary>Copies a raw (TTY) stream as it comes.</summary>
    public static async Task Raw(Stream input, Stream output, CancellationToken cancel = default)
    {
        var buffer = new byte[32 * 1024];
        int n;
        while ((n = await input.ReadAsync(buffer, cancel)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, n), cancel);
            await output.FlushAsync(cancel);
        }
    }

    private static async Task<bool> ReadFull(Stream input, byte[] buffer, CancellationToken cancel)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = await input.ReadAsync(buffer.AsMemory(got), cancel);
            if (n == 0) return false;
            got += n;
        }
        return true;
    }
}
