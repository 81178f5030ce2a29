using MyDocker.Runtime.Init;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;

namespace MyDocker.Runtime.Seccomp;

/// <summary>
/// The runtime compiles the filter (or takes it from <see cref="SeccompCache"/>) before the clone and
/// hands init the finished program in a memfd (InitEnvironment.SeccompFd); init only loads it, as its
/// last step (FinalExec). So a mistake in the profile fails `create` before any process exists, and
/// init, which may run as an unprivileged host uid, needs no access to the cache.
/// </summary>
public static class SeccompHandoff
{
    /// <summary>A memfd (close-on-exec, read position 0) holding <paramref name="program"/>.ToBytes().</summary>
    public static int ToMemfd(SeccompProgram program) =>
        FdBytes.Memfd("mydocker-seccomp", program.ToBytes(), "linux.seccomp: the program for init");

    /// <summary>In init: the program the runtime handed over, or null when the config has no seccomp.</summary>
    public static SeccompProgram? Receive()
    {
        int fd = InitEnvironment.ReadFd(InitEnvironment.SeccompFd);
        if (fd < 0) return null;
        try { return SeccompProgram.FromBytes(FdBytes.ReadAll(fd, "linux.seccomp: reading the program from the runtime"), "the program from the runtime"); }
        finally { Libc.Close(fd); }
    }
}
