using System.Buffers;
using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Process;

/// <summary>
/// Whole contents through a file descriptor: an anonymous file (memfd_create(2)) filled with bytes,
/// how the runtime hands init what it prepared (the exec'd process's config, the seccomp program):
/// nothing touches a disk, and init, which may run as an unprivileged host uid, reads what the
/// runtime opened for it; and everything an fd gives until EOF (such a file, a pipe).
/// </summary>
public static unsafe class FdBytes
{
    /// <summary>A memfd (close-on-exec, read position 0) holding <paramref name="bytes"/>; <paramref name="what"/> names it in errors.</summary>
    public static int Memfd(string name, ReadOnlySpan<byte> bytes, string what)
    {
        int fd = Libc.MemfdCreate(name, Libc.MFD_CLOEXEC);
        if (fd < 0) throw Libc.Fail($"{what}: memfd_create");
        if (!WriteAll(fd, bytes)) { var e = Libc.Fail($"{what}: writing it"); Libc.Close(fd); throw e; }
        Libc.Lseek(fd, 0, 0);
        return fd;
    }

    /// <summary>All of <paramref name="bytes"/> to <paramref name="fd"/>, across short writes and EINTR; false (errno in Libc.LastErrno) when a write fails.</summary>
    public static bool WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            int off = 0;
            while (off < bytes.Length)
            {
                nint n = Libc.Write(fd, p + off, bytes.Length - off);
                if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (n <= 0) return false;
                off += (int)n;
            }
        }
        return true;
    }

    /// <summary>Everything <paramref name="fd"/> gives from its position until EOF (the caller closes it); <paramref name="failure"/> is the error's text, before strerror.</summary>
    public static byte[] ReadAll(int fd, string failure)
    {
        var buffer = new ArrayBufferWriter<byte>(16384);
        while (true)
        {
            var span = buffer.GetSpan(16384);
            nint n;
            fixed (byte* p = span) n = Libc.Read(fd, p, span.Length);
            if (n == 0) break;
            if (n < 0)
            {
                if (Libc.LastErrno == Libc.EINTR) continue;
                throw Libc.Fail(failure);
            }
            buffer.Advance((int)n);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
