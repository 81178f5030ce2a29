using System.Runtime.InteropServices;
using MyDocker.Spec;

namespace MyDocker.Runtime.Interop;

/// <summary>
/// The interop layer: every libc function and system call MyDocker uses is declared in one of the
/// Libc.*.cs files of this folder, and nowhere else. libc is linked directly (DirectPInvoke), so no
/// call here loads a library at run time.
/// This file holds the basic file-descriptor calls and the error helpers the others share.
/// </summary>
public static unsafe partial class Libc
{
    public const string Lib = "libc";

    // open(2) flags (x86-64 / generic values)
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
    public const int O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100, O_TRUNC = 0x200, O_APPEND = 0x400;
    public const int O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000;
    public const int O_PATH = 0x200000;
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;

    // errno values we test for by name
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, ECHILD = 10, EAGAIN = 11;
    public const int EACCES = 13, EBUSY = 16, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENOSPC = 28;
    public const int ENOSYS = 38, ELOOP = 40, ENOTEMPTY = 39, EXDEV = 18, ENXIO = 6;

    [LibraryImport(Lib, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport(Lib, EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int OpenAt(int dirfd, string path, int flags, uint mode);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buf, nint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buf, nint count);

    [LibraryImport(Lib, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Lib, EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int oldfd, int newfd);

    [LibraryImport(Lib, EntryPoint = "dup3", SetLastError = true)]
    public static partial int Dup3(int oldfd, int newfd, int flags);

    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int cmd, int arg);
    public const int F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, FD_CLOEXEC = 1;

    [LibraryImport(Lib, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);
    public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

    [LibraryImport(Lib, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport(Lib, EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Rename(string from, string to);

    [LibraryImport(Lib, EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Mkfifo(string path, uint mode);

    [LibraryImport(Lib, EntryPoint = "unlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Unlink(string path);

    [LibraryImport(Lib, EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport(Lib, EntryPoint = "getuid")]
    public static partial uint GetUid();

    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int sig);

    [LibraryImport(Lib, EntryPoint = "socketpair", SetLastError = true)]
    public static partial int SocketPair(int domain, int type, int protocol, int* sv);
    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000;

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint nfds, int timeoutMs);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int Fd; public short Events; public short Revents; }
    public const short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

    [LibraryImport(Lib, EntryPoint = "strerror")]
    private static partial nint StrErrorNative(int errnum);

    /// <summary>The C library's text for an errno value, e.g. "No such file or directory".</summary>
    public static string StrError(int errno) => Marshal.PtrToStringUTF8(StrErrorNative(errno)) ?? $"errno {errno}";

    /// <summary>errno of the last LibraryImport call made with SetLastError = true.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>Throws a MyDockerException "what: strerror" when a call returned a negative value.</summary>
    public static int Check(int result, string what)
    {
        if (result < 0) throw Fail(what);
        return result;
    }

    public static nint Check(nint result, string what)
    {
        if (result < 0) throw Fail(what);
        return result;
    }

    /// <summary>A MyDockerException for the last failed call: "what: strerror(errno)".</summary>
    public static MyDockerException Fail(string what)
    {
        int errno = LastErrno;
        return new MyDockerException($"{what}: {StrError(errno)}", errno);
    }
}
