using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Rootfs;
using MyDocker.Runtime.Terminal;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Init;

/// <summary>
/// process.terminal (config.md "Console"): init makes the pty from the CONTAINER's devpts (so the
/// container sees its own /dev/pts/N), hands the master to whoever listens on the console socket
/// (conmon, containerd's shim, or `mydocker run` itself), and keeps the slave: it becomes the
/// process's stdio and controlling terminal just before exec, and /dev/console (config-linux.md "Default Devices").
/// </summary>
public static class ConsoleSetup
{
    private static int _ptsNumber = -1;

    /// <summary>Before pivot_root: opens rootfs/dev/ptmx, sends the master, returns the slave fd.</summary>
    public static int Create(string rootfs, Spec.Model.Process process, int consoleFd)
    {
        if (consoleFd < 0)
            throw new MyDockerException("process.terminal: true needs --console-socket (or use `mydocker run`)");
        ushort rows = (ushort)(process.ConsoleSize?.Height ?? 0), cols = (ushort)(process.ConsoleSize?.Width ?? 0);
        // /dev/ptmx is looked up inside the rootfs without following a symlink out of it (an image
        // could make dev/ptmx point at the host's); opened again through /proc/self/fd.
        using var root = PathFd.OpenDirectory(rootfs);
        using var ptmx = SafePath.Open(root, "/dev/ptmx", CreateAs.Nothing, "process.terminal");
        var pty = Pty.Open(ptmx.ProcPath, rows, cols);
        try
        {
            ConsoleSocket.SendFd(consoleFd, pty.MasterFd, ConsoleSocket.DefaultMasterName);
        }
        finally
        {
            Libc.Close(pty.MasterFd);
            Libc.Close(consoleFd);
        }
        _ptsNumber = pty.Number;
        // The container's user will own its terminal, as on a login.
        Libc.FChown(pty.SlaveFd, process.User.Uid, process.User.Gid);
        return pty.SlaveFd;
    }

    /// <summary>After pivot_root: bind the pty slave onto /dev/console.</summary>
    public static void BindDevConsole(int slaveFd)
    {
        if (_ptsNumber < 0) return;
        const string console = "/dev/console";
        if (!File.Exists(console))
        {
            int fd = Libc.Open(console, Libc.O_CREAT | Libc.O_WRONLY | Libc.O_CLOEXEC, 0x1B6);
            if (fd < 0) return; // /dev is not writable (not a tmpfs of ours): no /dev/console, like runc
            Libc.Close(fd);
        }
        Libc.Check(Libc.Mount($"/dev/pts/{_ptsNumber}", console, null, Libc.MS_BIND, null), "binding the console onto /dev/console");
    }
}
