using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>What <see cref="SafePath.Open"/> creates when the path (or part of it) is missing.</summary>
public enum CreateAs
{
    /// <summary>Create nothing: a missing component is an error (or null from TryOpen).</summary>
    Nothing,
    /// <summary>Create missing components as directories (mode 0755), the last one too.</summary>
    Directory,
    /// <summary>Create missing parents as directories and the last component as an empty file (0644).</summary>
    File,
}

/// <summary>
/// Resolves a path INSIDE the container's rootfs without ever leaving it.
///
/// Why: the rootfs is untrusted (an image can contain anything), and a mount destination like
/// /etc/x, where /etc is a symlink to ../../../../host-etc, would otherwise mount onto the HOST.
/// So we walk the path ourselves, one component at a time, with
/// openat(dir, name, O_PATH|O_NOFOLLOW) (never letting the kernel follow a symlink for us) and
/// readlinkat() to read each symlink we meet:
///   - an absolute symlink target restarts from the rootfs, as it would inside the container
///     (chroot meaning: debootstrap trees have /var/run -> /run, and mounts under it must work);
///   - a ".." that would climb above the rootfs is an error naming the symlink that led there;
///   - after 40 symlinks we give up (the kernel's ELOOP limit).
/// The result is an O_PATH fd; the caller mounts onto its /proc/self/fd/N, so swapping a path
/// component after our check can't redirect the mount (runc CVE-2021-30465).
/// </summary>
public static class SafePath
{
    public const int MaxSymlinkHops = 40;

    /// <summary>One pending path component, and the symlink (in-root path) it came from, if any.</summary>
    private readonly record struct Component(string Name, string? ViaSymlink);

    /// <summary>
    /// Opens <paramref name="path"/> (absolute or relative, both taken from the rootfs) under
    /// <paramref name="root"/>, creating missing components as <paramref name="create"/> says.
    /// <paramref name="what"/> starts every error line, e.g. "mounts[3]: destination".
    /// </summary>
    public static PathFd Open(PathFd root, string path, CreateAs create = CreateAs.Nothing, string what = "path")
        => Resolve(root, path, create, what, missingIsNull: false)!;

    /// <summary>Like <see cref="Open"/> without creating anything; null when the path does not exist.</summary>
    public static PathFd? TryOpen(PathFd root, string path, string what = "path")
        => Resolve(root, path, CreateAs.Nothing, what, missingIsNull: true);

    private static PathFd? Resolve(PathFd root, string path, CreateAs create, string what, bool missingIsNull)
    {
        if (TryBeneath(root, path) is { } resolved) return resolved;

        // The directories walked so far: dirs[0] is the root (not ours to close), each next one
        // a real directory (never a symlink) inside the previous. ".." simply pops one.
        var dirs = new List<(int Fd, string Name)> { (root.Fd, "") };
        var pending = new Stack<Component>();
        PushComponents(pending, path, viaSymlink: null);
        int hops = 0;

        try
        {
            while (pending.Count > 0)
            {
                Component c = pending.Pop();
                if (c.Name is "" or ".") continue;

                if (c.Name == "..")
                {
                    if (dirs.Count == 1)
                    {
                        string through = c.ViaSymlink is null ? "\"..\"" : $"symlink {c.ViaSymlink}";
                        throw new MyDockerException($"{what} {path} escapes the rootfs through {through}");
                    }
                    Close(dirs[^1].Fd);
                    dirs.RemoveAt(dirs.Count - 1);
                    continue;
                }

                bool isLast = OnlyTrivialLeft(pending);
                int dirFd = dirs[^1].Fd;
                string here = InRootPath(dirs, c.Name);

                int fd = OpenAt(dirFd, c.Name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
                if (fd < 0 && LastErrno == ENOENT)
                {
                    if (create == CreateAs.Nothing)
                    {
                        if (missingIsNull) return null;
                        throw new MyDockerException($"{what} {path}: {here} does not exist", ENOENT);
                    }
                    CreateComponent(dirFd, c.Name, isLast && create == CreateAs.File, what, path, here);
                    fd = OpenAt(dirFd, c.Name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
                }
                if (fd < 0) throw Fail($"{what} {path}: open {here}");

                if (Fstatx(fd, out StatxBuf st) < 0)
                {
                    var e = Fail($"{what} {path}: stat {here}");
                    Close(fd);
                    throw e;
                }

                if (st.IsSymlink)
                {
                    string? target = ReadLinkAt(fd, "");
                    var readError = target is null ? Fail($"{what} {path}: readlink {here}") : null;
                    Close(fd);
                    if (readError is not null) throw readError;
                    if (++hops > MaxSymlinkHops)
                        throw new MyDockerException(
                            $"{what} {path}: too many levels of symbolic links (more than {MaxSymlinkHops}, last {here})", ELOOP);

                    if (target!.StartsWith('/'))
                    {
                        // Absolute target: it means the container's root, so start over from it.
                        for (int i = dirs.Count - 1; i > 0; i--) Close(dirs[i].Fd);
                        dirs.RemoveRange(1, dirs.Count - 1);
                    }
                    PushComponents(pending, target, viaSymlink: here);
                    continue;
                }

                if (st.IsDirectory)
                {
                    dirs.Add((fd, c.Name));
                    continue;
                }

                // A file, device, socket...: fine as the last component, impossible in the middle.
                if (!isLast)
                {
                    Close(fd);
                    throw new MyDockerException($"{what} {path}: {here} is not a directory", ENOTDIR);
                }
                return new PathFd(fd, here, st.FileType);
            }

            // Ended on a directory: hand out the last one (or a fresh fd of the root itself).
            if (dirs.Count == 1)
            {
                int rootCopy = OpenAt(root.Fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
                if (rootCopy < 0) throw Fail($"{what} {path}: reopen the rootfs");
                return new PathFd(rootCopy, "/", S_IFDIR);
            }
            var last = dirs[^1];
            string lastPath = InRootPath(dirs.GetRange(0, dirs.Count - 1), last.Name);
            dirs.RemoveAt(dirs.Count - 1);
            return new PathFd(last.Fd, lastPath, S_IFDIR);
        }
        finally
        {
            for (int i = dirs.Count - 1; i > 0; i--) Close(dirs[i].Fd);
        }
    }

    /// <summary>
    /// The common case in one system call: a path that exists and has no symlink in it, opened by
    /// openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, so the kernel itself refuses to leave
    /// the root or follow a link at any step (runc resolves the same way where the kernel has
    /// openat2). Anything else — a missing component to create, a symlink to follow the container's
    /// way, ".." above the root, an older kernel — returns null, and the walk above does it, with its
    /// errors. About a third of init's mount work was this walk, three system calls per component.
    /// </summary>
    private static PathFd? TryBeneath(PathFd root, string path)
    {
        string relative = path.TrimStart('/');
        if (relative.Length == 0) return null;
        int fd = OpenAt2(root.Fd, relative, O_PATH | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
        if (fd < 0) return null;
        if (Fstatx(fd, out StatxBuf st) < 0)
        {
            Close(fd);
            return null;
        }
        // No symlink was followed, so the lexical form is where it is.
        return new PathFd(fd, Clean("/" + relative), st.FileType);
    }

    /// <summary>Creates one missing component: a directory, or (the last one, when asked) an empty file.</summary>
    private static void CreateComponent(int dirFd, string name, bool asFile, string what, string path, string here)
    {
        if (asFile)
        {
            // O_EXCL|O_NOFOLLOW: never open (and so never create through) a symlink someone just put there.
            int f = OpenAt(dirFd, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0x1a4 /* 0644 */);
            if (f < 0 && LastErrno != EEXIST) throw Fail($"{what} {path}: create file {here}");
            if (f >= 0) Close(f);
        }
        else if (MkdirAt(dirFd, name, 0x1ed /* 0755 */) < 0 && LastErrno != EEXIST)
        {
            throw Fail($"{what} {path}: mkdir {here}");
        }
        // EEXIST: someone created it between our lookup and now; the caller opens it again.
    }

    /// <summary>Pushes the components of a path so that the first one is popped first.</summary>
    private static void PushComponents(Stack<Component> pending, string path, string? viaSymlink)
    {
        string[] parts = path.Split('/');
        for (int i = parts.Length - 1; i >= 0; i--) pending.Push(new Component(parts[i], viaSymlink));
    }

    private static bool OnlyTrivialLeft(Stack<Component> pending)
    {
        foreach (var c in pending)
            if (c.Name is not ("" or ".")) return false;
        return true;
    }

    private static string InRootPath(List<(int Fd, string Name)> dirs, string name)
    {
        var parts = new List<string>();
        for (int i = 1; i < dirs.Count; i++) parts.Add(dirs[i].Name);
        parts.Add(name);
        return "/" + string.Join('/', parts);
    }

    /// <summary>
    /// Lexical clean-up of an absolute container path, like Go's path.Clean: "//dev/./pts/" is
    /// "/dev/pts". Used to compare destinations ("is this the /dev mount?"), never to open them.
    /// </summary>
    public static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (string p in path.Split('/'))
        {
            if (p is "" or ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return "/" + string.Join('/', parts);
    }
}
