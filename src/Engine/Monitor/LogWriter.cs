using System.Buffers;
using MyDocker.Runtime.Interop;

namespace MyDocker.Engine.Monitor;

/// <summary>
/// Appends a stream's output to the json-file log, one entry per line as Docker does. A line that
/// has no newline yet waits: it is written when the newline comes, when it reaches 16 KiB (Docker's
/// limit), or after PartialDelayMs (see FlushDueAt), so a prompt without a newline still shows up.
/// Write errors (a full disk) drop log entries but never stop the monitor: the container and the
/// attached clients matter more than the file.
/// </summary>
public sealed unsafe class LogWriter : IDisposable
{
    public const int MaxLine = 16 * 1024;
    public const int PartialDelayMs = 100;

    private readonly int _fd;
    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private readonly Partial[] _partials = [new("stdout"), new("stderr")];

    private sealed class Partial(string stream)
    {
        public readonly string Stream = stream;
        public readonly ArrayBufferWriter<byte> Bytes = new(256);
        public DateTime Since;
    }

    public LogWriter(string path)
    {
        _fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_CLOEXEC, 0x1A0 /* 0640 */);
        if (_fd < 0) throw Libc.Fail($"opening the log {path}");
    }

    /// <summary>Output that was read from stream 1 (stdout) or 2 (stderr).</summary>
    public void Add(int stream, ReadOnlySpan<byte> data, DateTime now)
    {
        var partial = _partials[stream - 1];
        while (!data.IsEmpty)
        {
            int nl = data.IndexOf((byte)'\n');
            int room = MaxLine - partial.Bytes.WrittenCount;
            int take = nl >= 0 && nl < room ? nl + 1 : Math.Min(room, data.Length);
            if (partial.Bytes.WrittenCount == 0) partial.Since = now;
            partial.Bytes.Write(data[..take]);
            data = data[take..];
            if (partial.Bytes.WrittenSpan[^1] == '\n' || partial.Bytes.WrittenCount >= MaxLine) Emit(partial, now);
        }
        WriteOut();
    }

    /// <summary>When the oldest waiting partial line must be written, or null when none waits.</summary>
    public DateTime? FlushDueAt()
    {
        DateTime? due = null;
        foreach (var p in _partials)
            if (p.Bytes.WrittenCount > 0 && (due == null || p.Since < due)) due = p.Since;
        return due?.AddMilliseconds(PartialDelayMs);
    }

    /// <summary>Writes the partial lines that waited long enough (all of them when force).</summary>
    public void FlushPartials(DateTime now, bool force)
    {
        foreach (var p in _partials)
            if (p.Bytes.WrittenCount > 0 && (force || now >= p.Since.AddMilliseconds(PartialDelayMs))) Emit(p, now);
        WriteOut();
    }

    private void Emit(Partial p, DateTime now)
    {
        JsonLogLine.Append(_out, p.Bytes.WrittenSpan, p.Stream, now);
        p.Bytes.ResetWrittenCount();
    }

    private void WriteOut()
    {
        if (_out.WrittenCount == 0) return;
        // One write for all the lines of one read: O_APPEND keeps each write whole at the end.
        fixed (byte* p = _out.WrittenSpan)
        {
            int off = 0, len = _out.WrittenCount;
            while (off < len)
            {
                nint n = Libc.Write(_fd, p + off, len - off);
                if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (n <= 0) break; // ENOSPC and friends: this batch is lost, the next one may fit
                off += (int)n;
            }
        }
        _out.ResetWrittenCount();
    }

    public void Dispose() => Libc.Close(_fd);
}
