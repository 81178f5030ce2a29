using MyDocker.Runtime.Interop;

namespace MyDocker.Engine.Client.Streams;

/// <summary>
/// A stream over an inherited fd with plain read(2)/write(2). Not FileStream: on a regular file
/// FileStream writes at an offset of its own (pwrite), so `run ... >out 2>&amp;1` would have stdout and
/// stderr overwrite each other; write(2) follows the shared file offset (and O_APPEND) as a shell expects.
/// </summary>
public sealed unsafe class FdStream(int fd, bool readable) : Stream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = Libc.Read(fd, p, buffer.Length);
                if (n >= 0) return (int)n;
                if (Libc.LastErrno != Libc.EINTR) throw new IOException($"read fd {fd}: {Libc.StrError(Libc.LastErrno)}");
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                nint n = Libc.Write(fd, p + done, buffer.Length - done);
                if (n > 0) done += (int)n;
                else if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                else throw new IOException($"write fd {fd}: {Libc.StrError(Libc.LastErrno)}");
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancel)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancel = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancel) => Task.CompletedTask;
    public override bool CanRead => readable;
    public override bool CanWrite => !readable;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
