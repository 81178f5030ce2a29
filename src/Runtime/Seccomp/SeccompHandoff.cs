using MyDocker.Runtime.Init;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Seccomp;

/// <summary>
/// The runtime compiles the filter (or takes it from <see cref="SeccompCache"/>) before the clone and
/// hands init the finished program in a memfd (InitEnvironment.SeccompFd); init only loads it, as its
/// last step (FinalExec). So a mistake in the profile fails `create` before any process exists, and
/// init, which may run as an unprivileged host uid, needs no access to the cache.
/// </summary>
public static unsafe class SeccompHandoff
{
    /// <summary>A memfd (close-on-exec, read position 0) holding <paramref name="program"/>.ToBytes().</summary>
    public static int ToMemfd(SeccompProgram program)
    {
        int fd = Libc.MemfdCreate("mydocker-seccomp", Libc.MFD_CLOEXEC);
        if (fd < 0) throw Libc.Fail("linux.seccomp: memfd_create");
        byte[] bytes = program.ToBytes();
        fixed (byte* p = bytes)
        {
            int off = 0;
            while (off < bytes.Length)
            {
                nint n = Libc.Write(fd, p + off, bytes.Length - off);
                if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (n <= 0) { Libc.Close(fd); throw Libc.Fail("linux.seccomp: writing the program for init"); }
                off += (int)n;
            }
        }
        Libc.Lseek(fd, 0, 0);
        return fd;
    }

    /// <summary>In init: the program the runtime handed over, or null when the config has no seccomp.</summary>
    public static SeccompProgram? Receive()
    {
        int fd = InitEnvironment.ReadFd(InitEnvironment.SeccompFd);
        if (fd < 0) return null;
        try
        {
            var bytes = new List<byte>(16384);
            byte* buffer = stackalloc byte[8192];
            while (true)
            {
                nint n = Libc.Read(fd, buffer, 8192);
                if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (n < 0) throw Libc.Fail("linux.seccomp: reading the program from the runtime");
                if (n == 0) break;
                bytes.AddRange(new ReadOnlySpan<byte>(buffer, (int)n));
            }
            return SeccompProgram.FromBytes(bytes.ToArray(), "the program from the runtime");
        }
        finally { Libc.Close(fd); }
    }
}
