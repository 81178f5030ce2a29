using System.Buffers;
using MyDocker.Runtime.Interop;

namespace MyDocker.Engine.Monitor;

/// <summary>
/// One attached client, seen from the monitor: a non-blocking socket, the frames it sent that are
/// not complete yet, and the output waiting to be sent to it. A client that does not read falls
/// behind; past MaxQueued bytes it is dropped rather than slowing the container down.
/// </summary>
public sealed unsafe class AttachConnection
{
    public const int MaxQueued = 4 << 20;

    public int Fd { get; }
    /// <summary>Close once the queue is sent (after frame 3).</summary>
    public bool CloseWhenSent { get; set; }
    public bool Broken { get; set; }
    /// <summary>The client shut down its sending side (or hung up): it may still read the output.</summary>
    public bool ReadClosed { get; private set; }
    public bool HasQueued => _queued.WrittenCount > _sent;

    private readonly ArrayBufferWriter<byte> _input = new(256);
    private readonly ArrayBufferWriter<byte> _queued = new(256);
    private int _sent;

    public AttachConnection(int fd) => Fd = fd;

    public void Queue(byte[] frame)
    {
        if (Broken) return;
        if (_queued.WrittenCount - _sent + frame.Length > MaxQueued) { Broken = true; return; }
        _queued.Write(frame);
    }

    /// <summary>Sends what the socket takes now (POLLOUT).</summary>
    public void Send()
    {
        while (HasQueued && !Broken)
        {
            nint n;
            fixed (byte* p = _queued.WrittenSpan) n = Libc.Write(Fd, p + _sent, _queued.WrittenCount - _sent);
            if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
            if (n < 0 && Libc.LastErrno == Libc.EAGAIN) return;
            if (n <= 0) { Broken = true; return; } // EPIPE: the client left
            _sent += (int)n;
        }
        // All sent: start the buffer over, so it does not grow for ever.
        _queued.ResetWrittenCount();
        _sent = 0;
    }

    /// <summary>Reads what the client sent (POLLIN) and hands each complete frame to onFrame.</summary>
    public void Receive(byte[] buffer, Action<byte, ReadOnlySpan<byte>> onFrame)
    {
        nint n;
        do
        {
            fixed (byte* p = buffer) n = Libc.Read(Fd, p, buffer.Length);
        }
        while (n < 0 && Libc.LastErrno == Libc.EINTR);
        if (n < 0 && Libc.LastErrno == Libc.EAGAIN) return;
        if (n == 0) { ReadClosed = true; return; } // half-closed, or gone: poll's POLLHUP or a failed write tells
        if (n < 0) { Broken = true; return; }
        _input.Write(buffer.AsSpan(0, (int)n));

        var data = _input.WrittenSpan;
        int used = 0;
        while (data.Length - used >= AttachProtocol.HeaderSize)
        {
            int len = AttachProtocol.PayloadLength(data[used..]);
            if (len < 0 || len > AttachProtocol.MaxPayload) { Broken = true; return; }
            if (data.Length - used < AttachProtocol.HeaderSize + len) break;
            onFrame(data[used], data.Slice(used + AttachProtocol.HeaderSize, len));
            used += AttachProtocol.HeaderSize + len;
        }
        if (used > 0)
        {
            byte[] rest = data[used..].ToArray();
            _input.ResetWrittenCount();
            _input.Write(rest);
        }
    }
}
