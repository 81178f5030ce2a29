using MyDocker.Spec;
using MyDocker.Spec.Model;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// Creates device nodes inside the rootfs (config-linux.md "Devices").
/// mknod(2) needs CAP_MKNOD in the initial user namespace; inside a user namespace it fails with
/// EPERM, and then we bind-mount the host's node of the same path onto an empty file instead
/// (the node then keeps the host's owner and mode).
/// </summary>
public static class DeviceNodes
{
    public const uint DefaultFileMode = 0x1b6; // 0666

    /// <summary>Creates <paramref name="device"/>; <paramref name="what"/> names it in errors, e.g. "linux.devices[0]".</summary>
    public static void Create(PathFd root, Device device, string what)
    {
        uint type = device.Type switch
        {
            "c" or "u" => S_IFCHR, // "u": unbuffered character device, a char device to mknod
            "b" => S_IFBLK,
            "p" => S_IFIFO,
            _ => throw new MyDockerException($"{what}: device {device.Path} has unknown type \"{device.Type}\" (want c, b, u or p)"),
        };
        if (type != S_IFIFO && (device.Major is null || device.Minor is null))
            throw new MyDockerException($"{what}: device {device.Path} needs major and minor numbers");

        (string parentPath, string name) = Split(device.Path, what);
        uint mode = (device.FileMode ?? DefaultFileMode) & 0xfff; // permission bits only (07777)
        ulong dev = type == S_IFIFO ? 0 : MakeDev((ulong)device.Major!.Value, (ulong)device.Minor!.Value);

        using var parent = SafePath.Open(root, parentPath, CreateAs.Directory, $"{what}: path");
        string shown = $"{parent.InRootPath.TrimEnd('/')}/{name}";

        // Replace whatever the image has there (a stale file or node); a directory is an error.
        if (UnlinkAt(parent.Fd, name, 0) < 0 && LastErrno != ENOENT)
            throw Fail($"{what}: remove existing {shown}");

        if (MknodAt(parent.Fd, name, type | mode, dev) < 0)
        {
            if (LastErrno == EPERM && type != S_IFIFO)
            {
                BindHostNode(parent, name, device.Path, type, what, shown);
                return;
            }
            throw Fail($"{what}: mknod {shown}");
        }

        // mknod's mode was cut by the umask: set the exact one. The new node is not a symlink,
        // so fchmodat may follow; fchownat must not (AT_SYMLINK_NOFOLLOW) to be safe anyway.
        if (FchmodAt(parent.Fd, name, mode, 0) < 0) throw Fail($"{what}: chmod {shown}");
        if (device.Uid is not null || device.Gid is not null)
        {
            uint uid = device.Uid ?? uint.MaxValue, gid = device.Gid ?? uint.MaxValue; // -1: leave as is
            if (FchownAt(parent.Fd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) throw Fail($"{what}: chown {shown}");
        }
    }

    /// <summary>The fallback when mknod is not allowed: an empty file with the host's node bind-mounted on it.</summary>
    private static void BindHostNode(PathFd parent, string name, string hostPath, uint type, string what, string shown)
    {
        if (StatxPath(hostPath, out StatxBuf st) < 0 || st.FileType != type)
            throw new MyDockerException(
                $"{what}: cannot mknod {shown} (not permitted, e.g. in a user namespace) and the host has no such device at {hostPath} to bind-mount", EPERM);

        int f = OpenAt(parent.Fd, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0x1a4);
        if (f < 0) throw Fail($"{what}: create {shown}");
        Close(f);
        int fd = OpenAt(parent.Fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0) throw Fail($"{what}: open {shown}");
        try
        {
            if (Mount(hostPath, $"/proc/self/fd/{fd}", null, MS_BIND, null) < 0)
                throw Fail($"{what}: bind {hostPath} on {shown}");
        }
        finally { Close(fd); }
    }

    /// <summary>"/dev/net/tun" -> ("/dev/net", "tun"); a path must end in a real name.</summary>
    public static (string Parent, string Name) Split(string path, string what)
    {
        string trimmed = path.TrimEnd('/');
        int slash = trimmed.LastIndexOf('/');
        string name = slash < 0 ? trimmed : trimmed[(slash + 1)..];
        if (name is "" or "." or "..")
            throw new MyDockerException($"{what}: path \"{path}\" does not name a file");
        string parent = slash <= 0 ? "/" : trimmed[..slash];
        return (parent, name);
    }
}
