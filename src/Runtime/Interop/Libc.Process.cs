using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Interop;

/// <summary>Processes, namespaces, identity and signals.</summary>
public static unsafe partial class Libc
{
    // clone(2) / unshare(2) / setns(2) namespace flags (linux/sched.h)
    public const ulong CLONE_NEWTIME = 0x00000080;
    public const ulong CLONE_NEWNS = 0x00020000;
    public const ulong CLONE_NEWCGROUP = 0x02000000;
    public const ulong CLONE_NEWUTS = 0x04000000;
    public const ulong CLONE_NEWIPC = 0x08000000;
    public const ulong CLONE_NEWUSER = 0x10000000;
    public const ulong CLONE_NEWPID = 0x20000000;
    public const ulong CLONE_NEWNET = 0x40000000;
    public const ulong CLONE_PARENT = 0x00008000;
    /// <summary>clone3 only: the child starts in the cgroup v2 directory given by CloneArgs.Cgroup.</summary>
    public const ulong CLONE_INTO_CGROUP = 0x200000000;

    /// <summary>struct clone_args of clone3(2), the version with the cgroup field (88 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CloneArgs
    {
        public ulong Flags, PidFd, ChildTid, ParentTid, ExitSignal, Stack, StackSize, Tls, SetTid, SetTidSize, Cgroup;
    }
    public const int SIGCHLD = 17;

    public const long SYS_clone = 56;        // x86-64 syscall numbers
    public const long SYS_clone3 = 435;
    public const long SYS_execveat = 322;
    public const long SYS_setgroups = 116, SYS_setresuid = 117, SYS_setresgid = 119;
    public const long SYS_pidfd_open = 434;
    public const long SYS_pidfd_send_signal = 424;

    [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nstype);

    [LibraryImport(Lib, EntryPoint = "unshare", SetLastError = true)]
    public static partial int Unshare(int flags);

    [LibraryImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);
    public const int WNOHANG = 1;

    /// <summary>waitid(2); with P_PIDFD the process is named by a pidfd, so a reused pid can never be reaped by mistake.</summary>
    [LibraryImport(Lib, EntryPoint = "waitid", SetLastError = true)]
    public static partial int WaitId(int idType, int id, byte* siginfo, int options);
    public const int P_PIDFD = 3, WEXITED = 4;
    /// <summary>sizeof(siginfo_t).</summary>
    public const int SigInfoSize = 128;

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall3(long number, long a1, long a2, long a3);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall4(long number, long a1, long a2, long a3, long a4);

    /// <summary>pidfd_open(2): a file descriptor that always refers to this one process, never a reused pid.</summary>
    public static int PidfdOpen(int pid) => (int)Syscall3(SYS_pidfd_open, pid, 0, 0);

    /// <summary>pidfd_send_signal(2): signal the process behind a pidfd (no pid-reuse race).</summary>
    public static int PidfdSendSignal(int pidfd, int sig) => (int)Syscall4(SYS_pidfd_send_signal, pidfd, sig, 0, 0);

    [LibraryImport(Lib, EntryPoint = "execve", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Execve(string path, nint* argv, nint* envp);

    [LibraryImport(Lib, EntryPoint = "sethostname", SetLastError = true)]
    public static partial int SetHostname(byte* name, nuint len);

    [LibraryImport(Lib, EntryPoint = "setdomainname", SetLastError = true)]
    public static partial int SetDomainname(byte* name, nuint len);

    [LibraryImport(Lib, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
    public const int PR_SET_PDEATHSIG = 1, PR_SET_NAME = 15, PR_SET_NO_NEW_PRIVS = 38, PR_SET_CHILD_SUBREAPER = 36;

    [LibraryImport(Lib, EntryPoint = "setgroups", SetLastError = true)]
    public static partial int SetGroups(nuint size, uint* list);

    [LibraryImport(Lib, EntryPoint = "setresuid", SetLastError = true)]
    public static partial int SetResUid(uint ruid, uint euid, uint suid);

    [LibraryImport(Lib, EntryPoint = "setresgid", SetLastError = true)]
    public static partial int SetResGid(uint rgid, uint egid, uint sgid);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long SyscallId(long number, long a1, long a2, long a3);

    // The raw system calls change the calling thread alone. glibc's wrappers above change every thread
    // of the process (POSIX), by signalling each other thread and waiting for it (__nptl_setxid). Init
    // calls these right before execve, which ends every other thread anyway.
    public static int SetGroupsThisThread(nuint size, uint* list) => (int)SyscallId(SYS_setgroups, (long)size, (long)list, 0);
    public static int SetResUidThisThread(uint ruid, uint euid, uint suid) => (int)SyscallId(SYS_setresuid, ruid, euid, suid);
    public static int SetResGidThisThread(uint rgid, uint egid, uint sgid) => (int)SyscallId(SYS_setresgid, rgid, egid, sgid);

    [LibraryImport(Lib, EntryPoint = "umask")]
    public static partial uint Umask(uint mask);

    [LibraryImport(Lib, EntryPoint = "sigprocmask", SetLastError = true)]
    public static partial int SigProcMask(int how, ulong* set, ulong* oldset);
}

public static unsafe partial class Libc
{
    /// <summary>mkdir(2) itself: unlike Directory.CreateDirectory it fails with EEXIST, which makes it a lock.</summary>
    [LibraryImport(Lib, EntryPoint = "mkdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int MkdirRaw(string path, uint mode);
}

public static unsafe partial class Libc
{
    public const int X_OK = 1, W_OK = 2;

    [LibraryImport(Lib, EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Access(string path, int mode);

    [LibraryImport(Lib, EntryPoint = "signal")]
    public static partial nint Signal(int sig, nint handler);

    public const long SYS_close_range = 436;
    private const uint CLOSE_RANGE_CLOEXEC = 1u << 2;

    /// <summary>close_range(first, ~0, CLOSE_RANGE_CLOEXEC): mark every fd from `first` up close-on-exec.</summary>
    public static int CloseRangeCloexec(int first) => (int)Syscall3(SYS_close_range, first, uint.MaxValue, CLOSE_RANGE_CLOEXEC);
}

public static unsafe partial class Libc
{
    [LibraryImport(Lib, EntryPoint = "getgid")]
    public static partial uint GetGid();
}

public static unsafe partial class Libc
{
    public const uint MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2;
    public const int F_ADD_SEALS = 1033;
    public const int F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8;

    /// <summary>memfd_create(2): an anonymous file, used to hand data or a sealed binary to init.</summary>
    [LibraryImport(Lib, EntryPoint = "memfd_create", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int MemfdCreate(string name, uint flags);

    [LibraryImport(Lib, EntryPoint = "lseek", SetLastError = true)]
    public static partial long Lseek(int fd, long offset, int whence);

    [LibraryImport(Lib, EntryPoint = "sendfile", SetLastError = true)]
    public static partial nint Sendfile(int outFd, int inFd, long* offset, nuint count);
}

public static unsafe partial class Libc
{
    /// <summary>fcntl(F_DUPFD_CLOEXEC): a second descriptor for the same open file.</summary>
    public static int DupCloexec(int fd)
    {
        int copy = Fcntl(fd, 1030 /* F_DUPFD_CLOEXEC */, 3);
        if (copy < 0) throw Fail("fcntl(F_DUPFD_CLOEXEC)");
        return copy;
    }
}
