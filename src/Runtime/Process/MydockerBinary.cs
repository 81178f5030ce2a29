using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Process;

/// <summary>
/// The file the cloned child execs as `mydocker init`.
///
/// While `mydocker init` runs, /proc/PID/exe of that process leads to the file it was exec'd from. A
/// process that can see init in its pid namespace (and may ptrace it: same uid, or CAP_SYS_PTRACE)
/// can open that link, keep the descriptor, and once init has become the user program, reopen it for
/// writing and overwrite the host's `mydocker` — runc's CVE-2019-5736. So init runs from a sealed
/// view of the binary whenever someone else can see it:
///  - `exec` into a running container: the container's processes share the pid namespace;
///  - `create` of a container without a new pid namespace: it joins one by path (a pod's) or stays in
///    the host's, where other processes already live.
/// A container with a new pid namespace needs none: init is PID 1 there, alone until it has exec'd
/// the user program, so nothing in the container ever sees the binary (see <see cref="ForInit"/>).
///
/// Two sealed views, the cheap one first (runc 1.2 does the same):
///  - <see cref="SealedOverlay"/>: the binary opened through a read-only overlayfs that is mounted
///    nowhere (fsopen/fsmount). Writing through it fails with EROFS; nothing is copied.
///  - <see cref="SealedCopy"/>: a copy in a sealed memfd (4-5 MB copied per use), for when overlayfs
///    or the new mount API is not available (an unprivileged caller, an old kernel).
/// </summary>
public static unsafe class MydockerBinary
{
    /// <summary>The file init of a new container is exec'd from: sealed when others can see init (see above).</summary>
    public static int ForInit(Namespaces.NamespacePlan plan, string stateDir) => plan.NewPid ? OpenSelf() : Sealed(stateDir);

    /// <summary>A sealed view of the binary; <paramref name="spareDir"/> is any directory of ours (overlayfs needs a second layer).</summary>
    public static int Sealed(string spareDir) => SealedOverlay(spareDir) is int fd and >= 0 ? fd : SealedCopy();

    /// <summary>Where this binary is, to start it again as a helper process (the slirp4netns watcher).</summary>
    public static string SelfPath() => Environment.ProcessPath ?? "/proc/self/exe";

    public static int OpenSelf()
    {
        int fd = Libc.Open("/proc/self/exe", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Libc.Fail("opening /proc/self/exe");
        return fd;
    }

    /// <summary>
    /// The binary, opened (O_PATH) through a new overlayfs whose layers are the binary's directory and
    /// <paramref name="spareDir"/>, with no upper layer: overlayfs then refuses every write. The mount
    /// is never attached to any mount table, so there is nothing to unmount: it goes with the last fd
    /// (and the last process exec'd from it). -1 when the kernel refuses (no privilege, no overlayfs).
    /// </summary>
    public static int SealedOverlay(string spareDir)
    {
        string? self = Libc.ReadLinkAt(Libc.AT_FDCWD, "/proc/self/exe");
        if (self == null || self.EndsWith(" (deleted)", StringComparison.Ordinal)) return -1;
        int ctx = Libc.FsOpen("overlay", Libc.FSOPEN_CLOEXEC);
        if (ctx < 0) return -1;
        int mnt = -1;
        try
        {
            // The binary's directory on top, so a same-named file in the spare layer cannot hide it.
            string lower = EscapeLayer(Path.GetDirectoryName(self)!) + ":" + EscapeLayer(spareDir);
            if (Libc.FsConfigString(ctx, "lowerdir", lower) < 0) return -1;
            Libc.FsConfigString(ctx, "xino", "off"); // optional: avoids kernel log noise across file systems
            if (Libc.FsConfigCreate(ctx) < 0) return -1;
            mnt = Libc.FsMount(ctx, Libc.FSMOUNT_CLOEXEC, Libc.MOUNT_ATTR_RDONLY | Libc.MOUNT_ATTR_NOSUID | Libc.MOUNT_ATTR_NODEV);
            if (mnt < 0) return -1;
            return Libc.OpenAt(mnt, Path.GetFileName(self), Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        }
        finally
        {
            if (mnt >= 0) Libc.Close(mnt);
            Libc.Close(ctx);
        }
    }

    /// <summary>overlayfs separates layers with ':' and escapes with '\'.</summary>
    private static string EscapeLayer(string dir) => dir.Replace(@"\", @"\\").Replace(":", @"\:");

    public static int SealedCopy()
    {
        int src = OpenSelf();
        int mem = Libc.MemfdCreate("mydocker", Libc.MFD_CLOEXEC | Libc.MFD_ALLOW_SEALING);
        try
        {
            if (mem < 0) throw Libc.Fail("memfd_create");
            long size = Libc.Lseek(src, 0, 2 /* SEEK_END */);
            if (size <= 0) throw Libc.Fail("sizing the mydocker binary");
            long offset = 0;
            while (offset < size)
            {
                nint n = Libc.Sendfile(mem, src, &offset, (nuint)(size - offset));
                if (n <= 0) throw Libc.Fail("copying the mydocker binary");
            }
            Libc.Check(Libc.Fcntl(mem, Libc.F_ADD_SEALS, Libc.F_SEAL_SEAL | Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_WRITE), "sealing the binary copy");
            return mem;
        }
        catch
        {
            if (mem >= 0) Libc.Close(mem);
            throw;
        }
        finally
        {
            Libc.Close(src);
        }
    }
}
