using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Interop;

/// <summary>
/// The calls made by the freshly cloned child before it execs (see Runtime/Process/NamespaceChild.cs),
/// and by init's last step, after the rlimits are set (see Runtime/Init/FinalExec.cs).
///
/// Why a separate set: in the child, nothing may allocate, throw, or wait for the .NET runtime; in
/// init's last step nothing may allocate (a small RLIMIT_AS leaves no room for a new mapping).
/// [SuppressGCTransition] keeps the thread in cooperative mode (no GC-suspension handshake on the way
/// back), no SetLastError marshalling touches thread-local storage, and errno is read straight from
/// libc's __errno_location(). Never call these from ordinary code: a blocking call with
/// SuppressGCTransition stalls the garbage collector of a multi-threaded process.
/// </summary>
public static unsafe partial class Libc
{
    public static unsafe partial class Child
    {
        [LibraryImport(Lib, EntryPoint = "syscall")]
        [SuppressGCTransition]
        public static partial long Syscall5(long number, long a1, long a2, long a3, long a4, long a5);

        [LibraryImport(Lib, EntryPoint = "setns")]
        [SuppressGCTransition]
        public static partial int SetNs(int fd, int nstype);

        [LibraryImport(Lib, EntryPoint = "unshare")]
        [SuppressGCTransition]
        public static partial int Unshare(int flags);

        [LibraryImport(Lib, EntryPoint = "read")]
        [SuppressGCTransition]
        public static partial nint Read(int fd, byte* buf, nint count);

        [LibraryImport(Lib, EntryPoint = "write")]
        [SuppressGCTransition]
        public static partial nint Write(int fd, byte* buf, nint count);

        [LibraryImport(Lib, EntryPoint = "close")]
        [SuppressGCTransition]
        public static partial int Close(int fd);

        [LibraryImport(Lib, EntryPoint = "dup2")]
        [SuppressGCTransition]
        public static partial int Dup2(int oldfd, int newfd);

        /// <summary>prlimit(2) of the calling process (pid 0).</summary>
        [LibraryImport(Lib, EntryPoint = "prlimit")]
        [SuppressGCTransition]
        public static partial int Prlimit(int pid, int resource, RLimit* newLimit, RLimit* oldLimit);

        [LibraryImport(Lib, EntryPoint = "execve")]
        [SuppressGCTransition]
        public static partial int Execve(byte* path, nint* argv, nint* envp);

        /// <summary>strerror(3): the C library's static text for an errno value.</summary>
        [LibraryImport(Lib, EntryPoint = "strerror")]
        [SuppressGCTransition]
        public static partial byte* StrError(int errnum);

        [LibraryImport(Lib, EntryPoint = "signal")]
        [SuppressGCTransition]
        public static partial nint Signal(int sig, nint handler);

        [LibraryImport(Lib, EntryPoint = "_exit")]
        [SuppressGCTransition]
        public static partial void Exit(int status);

        [LibraryImport(Lib, EntryPoint = "__errno_location")]
        [SuppressGCTransition]
        public static partial int* ErrnoLocation();
    }
}
