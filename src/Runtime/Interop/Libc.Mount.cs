using System.Runtime.InteropServices;
using System.Text;

namespace MyDocker.Runtime.Interop;

// The calls the root filesystem setup needs (src/Runtime/Rootfs): mount(2), umount2(2),
// pivot_root(2), the *at() family that works relative to a directory fd (so a path is never
// resolved twice), and the stat calls that tell what a path or a mount is.
public static unsafe partial class Libc
{
    // ---- mount(2) flags (include/uapi/linux/mount.h) ----
    public const ulong MS_RDONLY = 0x1, MS_NOSUID = 0x2, MS_NODEV = 0x4, MS_NOEXEC = 0x8;
    public const ulong MS_SYNCHRONOUS = 0x10, MS_REMOUNT = 0x20, MS_MANDLOCK = 0x40, MS_DIRSYNC = 0x80;
    public const ulong MS_NOSYMFOLLOW = 0x100, MS_NOATIME = 0x400, MS_NODIRATIME = 0x800;
    public const ulong MS_BIND = 0x1000, MS_MOVE = 0x2000, MS_REC = 0x4000, MS_SILENT = 0x8000;
    public const ulong MS_UNBINDABLE = 0x20000, MS_PRIVATE = 0x40000, MS_SLAVE = 0x80000, MS_SHARED = 0x100000;
    public const ulong MS_RELATIME = 0x200000, MS_STRICTATIME = 0x1000000, MS_LAZYTIME = 0x2000000;

    /// <summary>The four propagation types; a mount(2) call may change only one of them at a time.</summary>
    public const ulong MS_PROPAGATION = MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE;

    // ---- umount2(2) flags ----
    public const int MNT_FORCE = 1, MNT_DETACH = 2, UMOUNT_NOFOLLOW = 8;

    // ---- statvfs f_flag / statfs f_flags bits (ST_*): note they are NOT all equal to MS_* ----
    public const ulong ST_RDONLY = 0x1, ST_NOSUID = 0x2, ST_NODEV = 0x4, ST_NOEXEC = 0x8;
    public const ulong ST_SYNCHRONOUS = 0x10, ST_MANDLOCK = 0x40, ST_NOATIME = 0x400, ST_NODIRATIME = 0x800;
    public const ulong ST_RELATIME = 0x1000, ST_NOSYMFOLLOW = 0x2000;

    // ---- file types in st_mode (S_IFMT) ----
    public const uint S_IFMT = 0xF000, S_IFSOCK = 0xC000, S_IFLNK = 0xA000, S_IFREG = 0x8000;
    public const uint S_IFBLK = 0x6000, S_IFDIR = 0x4000, S_IFCHR = 0x2000, S_IFIFO = 0x1000;

    // ---- filesystem magic numbers (statfs f_type, include/uapi/linux/magic.h) ----
    public const long CGROUP_SUPER_MAGIC = 0x27e0eb, CGROUP2_SUPER_MAGIC = 0x63677270;
    public const long TMPFS_MAGIC = 0x01021994, RAMFS_MAGIC = unchecked((long)0x858458f6), PROC_SUPER_MAGIC = 0x9fa0;

    /// <summary>mount(2). Null strings are passed as NULL pointers (e.g. no data, no fstype for a bind).</summary>
    [LibraryImport(Lib, EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Mount(string? source, string target, string? fsType, ulong flags, string? data);

    [LibraryImport(Lib, EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Umount2(string target, int flags);

    [LibraryImport(Lib, EntryPoint = "chdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chdir(string path);

    [LibraryImport(Lib, EntryPoint = "fchdir", SetLastError = true)]
    public static partial int Fchdir(int fd);

    [LibraryImport(Lib, EntryPoint = "chroot", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chroot(string path);

    // glibc has no wrapper for pivot_root(2): call it through syscall(2).
    [LibraryImport(Lib, EntryPoint = "syscall", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial long SyscallPivotRoot(long number, string newRoot, string putOld);

    /// <summary>pivot_root(2): new_root becomes "/", the old root is moved to put_old.</summary>
    public static int PivotRoot(string newRoot, string putOld)
    {
        // The syscall number differs per architecture (x86-64: 155, arm64 uses the generic table: 41).
        long nr = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 41 : 155;
        return (int)SyscallPivotRoot(nr, newRoot, putOld);
    }

    [LibraryImport(Lib, EntryPoint = "mkdirat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int MkdirAt(int dirfd, string path, uint mode);

    /// <summary>mknodat(2); dev is a kernel dev_t, see <see cref="MakeDev"/>.</summary>
    [LibraryImport(Lib, EntryPoint = "mknodat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int MknodAt(int dirfd, string path, uint mode, ulong dev);

    [LibraryImport(Lib, EntryPoint = "symlinkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int SymlinkAt(string target, int newDirfd, string linkPath);

    [LibraryImport(Lib, EntryPoint = "unlinkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int UnlinkAt(int dirfd, string path, int flags);

    [LibraryImport(Lib, EntryPoint = "readlinkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint ReadLinkAtRaw(int dirfd, string path, byte* buf, nint size);

    /// <summary>
    /// readlinkat(2) returning the link text, or null with errno set (LastErrno) on failure.
    /// With path "" and an O_PATH|O_NOFOLLOW fd of the symlink itself, reads that very link.
    /// </summary>
    public static string? ReadLinkAt(int dirfd, string path)
    {
        const int Max = 4096; // PATH_MAX: a link text can't be longer
        byte* buf = stackalloc byte[Max];
        nint n = ReadLinkAtRaw(dirfd, path, buf, Max);
        if (n < 0) return null;
        return Encoding.UTF8.GetString(buf, (int)n);
    }

    [LibraryImport(Lib, EntryPoint = "fchown", SetLastError = true)]
    public static partial int FChown(int fd, uint uid, uint gid);

    [LibraryImport(Lib, EntryPoint = "fchownat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int FchownAt(int dirfd, string path, uint uid, uint gid, int flags);

    [LibraryImport(Lib, EntryPoint = "fchmodat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int FchmodAt(int dirfd, string path, uint mode, int flags);

    [LibraryImport(Lib, EntryPoint = "chmod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chmod(string path, uint mode);

    // ---- statx(2): one layout on every architecture, and it reports major/minor directly ----
    public const uint STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_BASIC_STATS = 0x7ff;

    [StructLayout(LayoutKind.Sequential)]
    public struct StatxTimestamp { public long Sec; public uint Nsec; public int Reserved; }

    /// <summary>struct statx (include/uapi/linux/stat.h), 256 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct StatxBuf
    {
        public uint Mask, BlkSize;
        public ulong Attributes;
        public uint Nlink, Uid, Gid;
        public ushort Mode, Pad1;
        public ulong Ino, Size, Blocks, AttributesMask;
        public StatxTimestamp Atime, Btime, Ctime, Mtime;
        public uint RdevMajor, RdevMinor, DevMajor, DevMinor;

        public readonly uint FileType => Mode & S_IFMT;
        public readonly bool IsDirectory => FileType == S_IFDIR;
        public readonly bool IsSymlink => FileType == S_IFLNK;
    }

    [LibraryImport(Lib, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, StatxBuf* buf);

    /// <summary>statx of the object an fd refers to (AT_EMPTY_PATH); symlinks are not followed.</summary>
    public static int Fstatx(int fd, out StatxBuf st)
    {
        StatxBuf b;
        int r = Statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &b);
        st = b;
        return r;
    }

    /// <summary>statx of a path (following symlinks, like stat(2)).</summary>
    public static int StatxPath(string path, out StatxBuf st)
    {
        StatxBuf b;
        int r = Statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &b);
        st = b;
        return r;
    }

    // ---- statfs(2): f_type tells which filesystem a path is on ----
    /// <summary>struct statfs on 64-bit Linux (x86-64 and arm64 share it), 120 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatfsBuf
    {
        public long Type, BlockSize;
        public ulong Blocks, BlocksFree, BlocksAvail, Files, FilesFree;
        public ulong Fsid;
        public long NameLen, FragmentSize, Flags;
        public long Spare0, Spare1, Spare2, Spare3;
    }

    [LibraryImport(Lib, EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statfs(string path, StatfsBuf* buf);

    [LibraryImport(Lib, EntryPoint = "fstatfs", SetLastError = true)]
    public static partial int Fstatfs(int fd, StatfsBuf* buf);

    // ---- statvfs(3): f_flag tells the per-mount flags (ST_RDONLY, ST_NOSUID...) ----
    /// <summary>struct statvfs on 64-bit glibc, 112 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatvfsBuf
    {
        public ulong BlockSize, FragmentSize, Blocks, BlocksFree, BlocksAvail, Files, FilesFree, FilesAvail;
        public ulong Fsid, Flag, NameMax;
        public int Spare0, Spare1, Spare2, Spare3, Spare4, Spare5;
    }

    [LibraryImport(Lib, EntryPoint = "statvfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statvfs(string path, StatvfsBuf* buf);

    [LibraryImport(Lib, EntryPoint = "fstatvfs", SetLastError = true)]
    public static partial int Fstatvfs(int fd, StatvfsBuf* buf);

    /// <summary>A dev_t from major and minor numbers (glibc's makedev, sys/sysmacros.h).</summary>
    public static ulong MakeDev(ulong major, ulong minor) =>
        ((major & 0xfffff000UL) << 32) | ((major & 0xfffUL) << 8) |
        ((minor & 0xffffff00UL) << 12) | (minor & 0xffUL);
}

public static unsafe partial class Libc
{
    // The new mount API (Linux 5.2): a file system made and mounted through descriptors, attached nowhere.
    public const long SYS_fsopen = 430, SYS_fsconfig = 431, SYS_fsmount = 432; // x86-64
    public const int FSOPEN_CLOEXEC = 1, FSMOUNT_CLOEXEC = 1;
    public const int FSCONFIG_SET_STRING = 1, FSCONFIG_CMD_CREATE = 6;
    public const int MOUNT_ATTR_RDONLY = 1, MOUNT_ATTR_NOSUID = 2, MOUNT_ATTR_NODEV = 4;

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long SyscallFs(long number, long a1, long a2, long a3, long a4, long a5);

    /// <summary>fsopen(2): a configuration context for a new superblock of the named file system type.</summary>
    public static int FsOpen(string fsType, int flags)
    {
        using var s = new NativeStrings();
        return (int)SyscallFs(SYS_fsopen, (long)s.String(fsType), flags, 0, 0, 0);
    }

    /// <summary>fsconfig(FSCONFIG_SET_STRING, key, value).</summary>
    public static int FsConfigString(int fsfd, string key, string value)
    {
        using var s = new NativeStrings();
        return (int)SyscallFs(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, (long)s.String(key), (long)s.String(value), 0);
    }

    /// <summary>fsconfig(FSCONFIG_CMD_CREATE): make the superblock from the configuration.</summary>
    public static int FsConfigCreate(int fsfd) => (int)SyscallFs(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, 0, 0, 0);

    /// <summary>fsmount(2): a detached mount of the superblock, as an fd (in no mount table).</summary>
    public static int FsMount(int fsfd, int flags, int attrs) => (int)SyscallFs(SYS_fsmount, fsfd, flags, attrs, 0, 0);

    // openat2(2) (Linux 5.6): a whole path resolved under rules the kernel enforces at every step.
    public const long SYS_openat2 = 437; // x86-64
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_BENEATH = 0x08;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow { public ulong Flags, Mode, Resolve; }

    /// <summary>openat2(dirfd, path, {flags, 0, resolve}); -1 with errno (ENOSYS before Linux 5.6).</summary>
    public static int OpenAt2(int dirfd, string path, int flags, ulong resolve)
    {
        using var s = new NativeStrings();
        var how = new OpenHow { Flags = (ulong)(uint)flags, Resolve = resolve };
        return (int)SyscallFs(SYS_openat2, dirfd, (long)s.String(path), (long)&how, sizeof(OpenHow), 0);
    }
}
