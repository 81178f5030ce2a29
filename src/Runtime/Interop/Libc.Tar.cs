using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Interop;

/// <summary>
/// The calls the engine's layer unpacker needs beyond the mount ones (Libc.Mount.cs has mkdirat,
/// mknodat, symlinkat, unlinkat, fchownat, fchmodat, statx): hard links, timestamps, xattrs for
/// overlayfs's opaque directories, and syncfs so a finished layer is on disk before it is renamed
/// into place.
/// </summary>
public static unsafe partial class Libc
{
    /// <summary>struct timespec (64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec { public long Sec; public long Nsec; }

    /// <summary>linkat(2); flags 0 links a symlink itself, never what it points to.</summary>
    [LibraryImport(Lib, EntryPoint = "linkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int LinkAt(int oldDirfd, string oldPath, int newDirfd, string newPath, int flags);

    /// <summary>utimensat(2): times[0] is the access time, times[1] the modification time.</summary>
    [LibraryImport(Lib, EntryPoint = "utimensat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int UtimensAt(int dirfd, string path, Timespec* times, int flags);

    [LibraryImport(Lib, EntryPoint = "futimens", SetLastError = true)]
    public static partial int Futimens(int fd, Timespec* times);

    [LibraryImport(Lib, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);

    [LibraryImport(Lib, EntryPoint = "fsetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Fsetxattr(int fd, string name, byte* value, nuint size, int flags);

    [LibraryImport(Lib, EntryPoint = "lgetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint Lgetxattr(string path, string name, byte* value, nuint size);

    /// <summary>syncfs(2): writes out everything of the file system the fd is on.</summary>
    [LibraryImport(Lib, EntryPoint = "syncfs", SetLastError = true)]
    public static partial int Syncfs(int fd);
}
