using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// Changing the flags of a mount that already exists: mount("", target, NULL, MS_REMOUNT|MS_BIND|flags).
/// MS_BIND here means "change only this mount's per-mount flags, not the filesystem's"; it is also
/// the one remount the kernel allows inside a user namespace, as long as no LOCKED flag
/// (nosuid, nodev, noexec, the atime mode, ro inherited from outside) is dropped.
/// </summary>
public static class Remount
{
    /// <summary>The per-mount flags a bind remount can keep or drop (the locked ones in a user namespace).</summary>
    public const ulong PerMountFlags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
                                       MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_NOSYMFOLLOW;

    /// <summary>
    /// Bind-remounts <paramref name="target"/> (a path, often /proc/self/fd/N) with
    /// <paramref name="flags"/> (MS_* bits besides MS_REMOUNT|MS_BIND). When the kernel refuses
    /// with EPERM because we would drop a locked flag, retries once keeping the flags the mount
    /// has now: then "ro" still works on a nosuid,nodev source inside a user namespace.
    /// </summary>
    public static void Bind(string target, ulong flags, string what, string shownTarget)
    {
        ulong call = MS_REMOUNT | MS_BIND | (flags & ~(MS_REC | MS_BIND | MS_REMOUNT));
        if (Mount(null, target, null, call, null) == 0) return;
        if (LastErrno != EPERM) throw Fail($"{what}: remount {shownTarget} ({Describe(call)})");

        ulong kept = call | CurrentFlags(target, what);
        // Everything the mount has now is OR-ed in: a locked read-only or nosuid source stays so,
        // and our own "ro" etc. is still applied on top.
        if (Mount(null, target, null, kept, null) < 0)
            throw Fail($"{what}: remount {shownTarget} ({Describe(kept)})");
    }

    /// <summary>
    /// Makes the mount at <paramref name="path"/> read-only, keeping every other flag it has
    /// (nosuid, nodev, noexec, the atime mode): a plain "ro" remount would silently drop them.
    /// </summary>
    public static void ReadOnly(string path, string what) =>
        Bind(path, CurrentFlags(path, what) | MS_RDONLY, what, path);

    /// <summary>The per-mount flags (as MS_* bits) of the mount holding <paramref name="path"/>, from statvfs(3).</summary>
    public static unsafe ulong CurrentFlags(string path, string what)
    {
        StatvfsBuf st;
        if (Statvfs(path, &st) < 0) throw Fail($"{what}: statvfs {path}");
        return FromStatvfs(st.Flag);
    }

    /// <summary>statvfs's ST_* bits -> mount(2)'s MS_* bits (ST_RELATIME is 0x1000, MS_RELATIME is not).</summary>
    public static ulong FromStatvfs(ulong st)
    {
        ulong ms = 0;
        if ((st & ST_RDONLY) != 0) ms |= MS_RDONLY;
        if ((st & ST_NOSUID) != 0) ms |= MS_NOSUID;
        if ((st & ST_NODEV) != 0) ms |= MS_NODEV;
        if ((st & ST_NOEXEC) != 0) ms |= MS_NOEXEC;
        if ((st & ST_NOATIME) != 0) ms |= MS_NOATIME;
        if ((st & ST_NODIRATIME) != 0) ms |= MS_NODIRATIME;
        if ((st & ST_RELATIME) != 0) ms |= MS_RELATIME;
        if ((st & ST_NOSYMFOLLOW) != 0) ms |= MS_NOSYMFOLLOW;
        return ms;
    }

    /// <summary>Names of the flags set, for error messages: "remount,bind,ro,nosuid".</summary>
    public static string Describe(ulong flags)
    {
        var names = new List<string>();
        void Add(ulong bit, string name) { if ((flags & bit) != 0) names.Add(name); }
        Add(MS_REMOUNT, "remount"); Add(MS_BIND, "bind"); Add(MS_REC, "rec"); Add(MS_RDONLY, "ro");
        Add(MS_NOSUID, "nosuid"); Add(MS_NODEV, "nodev"); Add(MS_NOEXEC, "noexec");
        Add(MS_NOATIME, "noatime"); Add(MS_NODIRATIME, "nodiratime"); Add(MS_RELATIME, "relatime");
        Add(MS_STRICTATIME, "strictatime"); Add(MS_NOSYMFOLLOW, "nosymfollow");
        Add(MS_SYNCHRONOUS, "sync"); Add(MS_DIRSYNC, "dirsync"); Add(MS_MANDLOCK, "mand"); Add(MS_LAZYTIME, "lazytime");
        Add(MS_PRIVATE, "private"); Add(MS_SHARED, "shared"); Add(MS_SLAVE, "slave"); Add(MS_UNBINDABLE, "unbindable");
        return names.Count == 0 ? "no flags" : string.Join(',', names);
    }
}
