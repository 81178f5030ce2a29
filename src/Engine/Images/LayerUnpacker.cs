using System.Formats.Tar;
using Microsoft.Win32.SafeHandles;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Engine.Images;

/// <summary>
/// Writes the entries of one layer tar into an empty directory, the way overlayfs wants a lower
/// layer: files, directories, symlinks, hard links, devices and fifos with their mode (setuid,
/// sticky...), owner (shifted by an <see cref="IdShift"/>) and mtime; AUFS-style whiteouts
/// (".wh.NAME") become overlayfs whiteouts (a 0/0 character device NAME), and ".wh..wh..opq" marks its
/// directory opaque (xattr trusted.overlay.opaque=y).
///
/// The tar is untrusted: an image is whatever someone built. Nothing is written outside the
/// directory, because:
///   - entry names are cleaned lexically; an absolute name or a ".." that climbs above the root is
///     refused;
///   - the parent of every entry is reached one component at a time from an fd of the root, with
///     openat(O_DIRECTORY|O_NOFOLLOW): a component that is a symlink (entry "a" -> /etc, then
///     "a/passwd") is refused, never followed;
///   - the entry itself is made relative to that parent fd by *at calls that do not follow a
///     symlink at the last component either (O_CREAT|O_EXCL|O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, linkat
///     without AT_SYMLINK_FOLLOW); an existing entry is removed first;
///   - a hard link's target is found by the same walk, so it is inside the layer.
/// A symlink's own target is not checked: it is only followed inside the container, where "/" is
/// the container's root.
/// Not applied: PAX extended attributes (SCHILY.xattr.*, e.g. security.capability of ping) and
/// access times (atime = mtime). Sparse-file entries are refused.
/// Any failure throws one line naming the entry; the caller removes the half-written directory.
/// </summary>
public static unsafe class LayerUnpacker
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";
    private const uint DirMode = 0x1ED; // 0755, for parents the tar does not list and the root

    /// <summary>Unpacks <paramref name="tar"/> into the existing, empty directory <paramref name="dir"/>.</summary>
    public static void Unpack(Stream tar, string dir, IdShift shift)
    {
        int rootFd = Open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (rootFd < 0) throw Fail($"opening {dir}");
        try
        {
            var root = new Unpacking(rootFd, shift);
            uint rootId = shift.Map(0) ?? 0;
            Check(FChown(rootFd, rootId, rootId), $"chown {dir}");
            Check(Fchmod(rootFd, DirMode), $"chmod {dir}");
            using var reader = new TarReader(tar, leaveOpen: true);
            while (NextEntry(reader) is { } entry) root.Apply(entry);
            root.SetDirectoryTimes();
        }
        finally
        {
            Close(rootFd);
        }
    }

    private static TarEntry? NextEntry(TarReader reader)
    {
        try { return reader.GetNextEntry(copyData: false); }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new MyDockerException($"not a valid tar archive: {TarProblem(e)}");
        }
    }

    /// <summary>
    /// Why TarReader gave up, in words: the binary has no .NET message texts (UseSystemResourceKeys),
    /// so its exceptions carry resource keys like "IO_EOF_ReadBeyondEOF".
    /// </summary>
    public static string TarProblem(Exception e) => e is EndOfStreamException || e.Message.Contains("EOF", StringComparison.Ordinal)
        ? "it ends in the middle of an entry (truncated?)"
        : $"a damaged header ({e.Message})";

    /// <summary>
    /// The components of an entry name inside the layer ("./a//b/" is [a, b]; "" or "./" is the root,
    /// []). Refuses absolute names and ".." above the root.
    /// </summary>
    public static string[] CleanName(string name)
    {
        if (name.Contains('\0')) throw new MyDockerException("name contains a NUL byte");
        if (name.StartsWith('/')) throw new MyDockerException("absolute path: a layer entry must be relative to the layer root");
        var parts = new List<string>();
        foreach (string part in name.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) throw new MyDockerException("\"..\" escapes the layer root");
                parts.RemoveAt(parts.Count - 1);
            }
            else parts.Add(part);
        }
        return parts.ToArray();
    }

    /// <summary>The state of one unpacking: the root fd, the shift, the directories whose times are set last.</summary>
    private sealed class Unpacking(int rootFd, IdShift shift)
    {
        // A directory's mtime changes whenever an entry is made in it, so directory times are set at the end.
        private readonly List<(string[] Parts, Timespec Mtime)> _directoryTimes = new();

        public void Apply(TarEntry entry)
        {
            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes) return; // PAX defaults: nothing to make
            try
            {
                ApplyChecked(entry);
            }
            catch (MyDockerException e)
            {
                throw new MyDockerException($"layer entry {MessageText.Quote(entry.Name)}: {e.Message}", e.Errno);
            }
            catch (IOException e)
            {
                throw new MyDockerException($"layer entry {MessageText.Quote(entry.Name)}: {ErrorText.Of(e)}");
            }
        }

        private void ApplyChecked(TarEntry entry)
        {
            string[] parts = CleanName(entry.Name);
            if (parts.Length == 0)
            {
                // "./": the layer root's own metadata.
                if (entry.EntryType != TarEntryType.Directory) throw new MyDockerException("the layer root must be a directory");
                var (uid, gid) = Owner(entry);
                Check(FChown(rootFd, uid, gid), "chown");
                Check(Fchmod(rootFd, Mode(entry)), "chmod");
                _directoryTimes.Add((parts, Time(entry)));
                return;
            }
            string leaf = parts[^1];
            int parent = OpenDirectory(parts[..^1], create: true);
            try
            {
                if (leaf.StartsWith(WhiteoutPrefix, StringComparison.Ordinal)) Whiteout(entry, parent, leaf);
                else Make(entry, parent, parts, leaf);
            }
            finally
            {
                Close(parent);
            }
        }

        private void Make(TarEntry entry, int parent, string[] parts, string leaf)
        {
            bool isDirectory = entry.EntryType == TarEntryType.Directory;
            bool keptDirectory = RemoveExisting(parent, leaf, keepDirectory: isDirectory);
            var (uid, gid) = Owner(entry);
            uint mode = Mode(entry);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    if (!keptDirectory) Check(MkdirAt(parent, leaf, 0x1C0 /* 0700 until chmod */), "mkdir");
                    _directoryTimes.Add((parts, Time(entry)));
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    WriteFile(parent, leaf, entry.DataStream);
                    break;
                case TarEntryType.SymbolicLink:
                    if (entry.LinkName.Length == 0) throw new MyDockerException("symbolic link with an empty target");
                    if (entry.LinkName.Contains('\0')) throw new MyDockerException("symbolic link target contains a NUL byte");
                    Check(SymlinkAt(entry.LinkName, parent, leaf), "symlink");
                    break;
                case TarEntryType.HardLink:
                    HardLink(entry.LinkName, parent, leaf);
                    return; // the same inode as its target: its metadata is the target's
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    uint type = entry.EntryType switch
                    {
                        TarEntryType.CharacterDevice => S_IFCHR,
                        TarEntryType.BlockDevice => S_IFBLK,
                        _ => S_IFIFO,
                    };
                    ulong dev = entry is PosixTarEntry posix && type != S_IFIFO
                        ? MakeDev((ulong)posix.DeviceMajor, (ulong)posix.DeviceMinor) : 0;
                    Check(MknodAt(parent, leaf, type | 0x180 /* 0600 until chmod */, dev), "mknod");
                    break;
                default:
                    throw new MyDockerException($"entry type {entry.EntryType} is not supported");
            }

            // chown before chmod: chown clears the setuid and setgid bits. A symlink has no mode of its own.
            Check(FchownAt(parent, leaf, uid, gid, AT_SYMLINK_NOFOLLOW), "chown");
            if (entry.EntryType != TarEntryType.SymbolicLink) Check(FchmodAt(parent, leaf, mode, 0), "chmod");
            if (entry.EntryType != TarEntryType.Directory) SetTime(parent, leaf, Time(entry));
        }

        /// <summary>".wh..wh..opq": its directory hides the lower layers' content; ".wh.NAME": NAME is deleted.</summary>
        private void Whiteout(TarEntry entry, int parent, string leaf)
        {
            if (leaf == OpaqueMarker)
            {
                byte y = (byte)'y';
                Check(Fsetxattr(parent, "trusted.overlay.opaque", &y, 1, 0), "setting trusted.overlay.opaque");
                return;
            }
            // Other ".wh..wh.*" names are AUFS bookkeeping (e.g. hard-link directories); Docker skips them too.
            if (leaf.StartsWith(WhiteoutPrefix + WhiteoutPrefix, StringComparison.Ordinal)) return;
            string name = leaf[WhiteoutPrefix.Length..];
            if (name is "" or "." or "..") throw new MyDockerException("whiteout of an invalid name");
            RemoveExisting(parent, name, keepDirectory: false);
            // overlayfs's whiteout: a character device with device number 0/0.
            Check(MknodAt(parent, name, S_IFCHR, 0), "mknod whiteout");
            var (uid, gid) = Owner(entry);
            Check(FchownAt(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW), "chown whiteout");
        }

        private void HardLink(string target, int parent, string leaf)
        {
            string[] targetParts;
            try { targetParts = CleanName(target); }
            catch (MyDockerException e) { throw new MyDockerException($"hard link target {MessageText.Quote(target)}: {e.Message}"); }
            if (targetParts.Length == 0) throw new MyDockerException("hard link to the layer root");
            int targetParent = OpenDirectory(targetParts[..^1], create: false, what: $"hard link target {MessageText.Quote(target)}: parent");
            try
            {
                // flags 0: if the target is a symlink, the new name is a link to that symlink, not to what it names.
                if (LinkAt(targetParent, targetParts[^1], parent, leaf, 0) < 0)
                    throw Fail($"hard link to {MessageText.Quote(target)}");
            }
            finally
            {
                Close(targetParent);
            }
        }

        private static void WriteFile(int parent, string leaf, Stream? data)
        {
            int fd = OpenAt(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0x180 /* 0600 */);
            if (fd < 0) throw Fail("creating the file");
            using var file = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
            data?.CopyTo(file, 1 << 17);
        }

        /// <summary>
        /// Opens the directory <paramref name="parts"/> below the root without following any symlink;
        /// with <paramref name="create"/>, missing ones are made (0755, owned by the container's root).
        /// The caller closes the fd.
        /// </summary>
        public int OpenDirectory(string[] parts, bool create, string what = "parent")
        {
            int dir = OpenAt(rootFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
            if (dir < 0) throw Fail("opening the layer root");
            for (int i = 0; i < parts.Length; i++)
            {
                int next = OpenAt(dir, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
                if (next < 0 && LastErrno == ENOENT && create)
                {
                    uint root = shift.Map(0) ?? 0;
                    if (MkdirAt(dir, parts[i], DirMode) < 0 ||
                        FchownAt(dir, parts[i], root, root, AT_SYMLINK_NOFOLLOW) < 0 ||
                        FchmodAt(dir, parts[i], DirMode, 0) < 0)
                    {
                        var made = Fail($"making the parent directory {MessageText.Quote(string.Join('/', parts[..(i + 1)]))}");
                        Close(dir);
                        throw made;
                    }
                    next = OpenAt(dir, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
                }
                int errno = LastErrno;
                // O_NOFOLLOW|O_DIRECTORY on a symlink fails with ENOTDIR (or ELOOP): lstat says which it was.
                bool isSymlink = next < 0 && errno is ENOTDIR or ELOOP && IsSymlink(dir, parts[i]);
                Close(dir);
                if (next < 0)
                {
                    string path = MessageText.Quote(string.Join('/', parts[..(i + 1)]));
                    throw errno switch
                    {
                        _ when isSymlink => new MyDockerException($"{what} {path} is a symbolic link: refusing to follow it"),
                        ENOTDIR or ELOOP => new MyDockerException($"{what} {path} is not a directory"),
                        ENOENT => new MyDockerException($"{what} {path} does not exist", errno),
                        _ => new MyDockerException($"{what} {path}: {StrError(errno)}", errno),
                    };
                }
                dir = next;
            }
            return dir;
        }

        private static bool IsSymlink(int dir, string name)
        {
            StatxBuf st;
            return Statx(dir, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &st) == 0 && st.IsSymlink;
        }

        /// <summary>
        /// Removes what is at parent/leaf, if anything, so the entry replaces it (a later layer entry
        /// wins, as in tar). An existing directory stays when the new entry is a directory too: it
        /// only gets the new metadata. Returns whether a directory was kept.
        /// </summary>
        private static bool RemoveExisting(int parent, string leaf, bool keepDirectory)
        {
            StatxBuf st;
            if (Statx(parent, leaf, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &st) < 0)
            {
                if (LastErrno == ENOENT) return false;
                throw Fail("stat of the existing entry");
            }
            if (!st.IsDirectory)
            {
                Check(UnlinkAt(parent, leaf, 0), "removing the existing entry");
                return false;
            }
            if (keepDirectory) return true;
            // Through our own fd's /proc link: the parent is the directory we checked, whatever its path.
            // Directory.Delete removes symlinks inside, never what they point to.
            Directory.Delete($"/proc/self/fd/{parent}/{leaf}", recursive: true);
            return false;
        }

        public void SetDirectoryTimes()
        {
            foreach (var (parts, mtime) in _directoryTimes)
            {
                if (parts.Length == 0)
                {
                    SetRootTime(mtime);
                    continue;
                }
                // A later entry may have replaced the directory by something else; it has its own time then.
                int parent;
                try { parent = OpenDirectory(parts[..^1], create: false); }
                catch (MyDockerException) { continue; }
                try { SetTime(parent, parts[^1], mtime); }
                finally { Close(parent); }
            }
        }

        private void SetRootTime(Timespec mtime)
        {
            Timespec* times = stackalloc Timespec[2] { mtime, mtime };
            Check(Futimens(rootFd, times), "setting the layer root's times");
        }

        private static void SetTime(int parent, string leaf, Timespec mtime)
        {
            Timespec* times = stackalloc Timespec[2] { mtime, mtime };
            Check(UtimensAt(parent, leaf, times, AT_SYMLINK_NOFOLLOW), "setting the times");
        }

        private (uint Uid, uint Gid) Owner(TarEntry entry)
        {
            uint uid = shift.Map(entry.Uid) ?? throw OutsideMap("uid", entry.Uid);
            uint gid = shift.Map(entry.Gid) ?? throw OutsideMap("gid", entry.Gid);
            return (uid, gid);
        }

        private MyDockerException OutsideMap(string kind, int id) => new(
            $"{kind} {id} is outside the id map (container ids 0-{shift.Size - 1} are host ids {shift.HostStart}-{shift.HostStart + shift.Size - 1})");

        // The permission bits with setuid, setgid and sticky (07777).
        private static uint Mode(TarEntry entry) => (uint)entry.Mode & 0xFFF;

        private static Timespec Time(TarEntry entry)
        {
            long ticks = entry.ModificationTime.UtcTicks - DateTime.UnixEpoch.Ticks;
            long sec = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rem);
            if (rem < 0) { sec--; rem += TimeSpan.TicksPerSecond; }
            return new Timespec { Sec = sec, Nsec = rem * 100 };
        }
    }
}
