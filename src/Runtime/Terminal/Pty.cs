using System.Globalization;
using System.Runtime.CompilerServices;
using MyDocker.Runtime.Interop;

[assembly: InternalsVisibleTo("MyDocker.TerminalTests")]

namespace MyDocker.Runtime.Terminal;

/// <summary>
/// The two ends of a pseudo-terminal. The slave is what the container's process sees as its
/// terminal (stdin/stdout/stderr); the master is what the outside world reads the container's
/// output from and writes the user's keystrokes into. The caller owns both fds.
/// </summary>
/// <param name="MasterFd">The master end (close-on-exec).</param>
/// <param name="SlaveFd">The slave end (close-on-exec; dup2 onto 0/1/2 clears that for the copies).</param>
/// <param name="Number">N of the slave: inside its own devpts it is /dev/pts/N. runc bind-mounts that
/// onto /dev/console after pivot_root.</param>
/// <param name="SlavePath">The slave's path as seen when the pty was opened, e.g. "/dev/pts/0", or
/// ".../rootfs/dev/pts/0" when opened through the container's rootfs before pivot_root.</param>
public readonly record struct PtyPair(int MasterFd, int SlaveFd, int Number, string SlavePath);

/// <summary>A terminal size in character cells.</summary>
public readonly record struct WindowSize(ushort Rows, ushort Cols);

/// <summary>Creating pseudo-terminals and reading/setting their size.</summary>
public static class Pty
{
    /// <summary>The pty multiplexer. Inside a container /dev/ptmx is a symlink to pts/ptmx of the
    /// container's own devpts (mounted with newinstance), so the new pty belongs to the container.</summary>
    public const string PtmxPath = "/dev/ptmx";

    /// <summary>
    /// Opens a new pty pair through /dev/ptmx. When rows or cols is non-zero the window size is set
    /// (runtime-spec process.consoleSize) before any program can look at it.
    /// </summary>
    public static PtyPair Open(ushort rows = 0, ushort cols = 0) => OpenCore(PtmxPath, rows, cols, usePeerIoctl: true);

    /// <summary>
    /// Opens a new pty pair through the given ptmx, e.g. ROOTFS/dev/ptmx before pivot_root: that
    /// symlink leads to ROOTFS/dev/pts/ptmx, so the pty is created in the container's devpts.
    /// </summary>
    public static PtyPair Open(string ptmxPath, ushort rows = 0, ushort cols = 0) => OpenCore(ptmxPath, rows, cols, usePeerIoctl: true);

    /// <summary>usePeerIoctl = false forces the /dev/pts/N fallback (for tests).</summary>
    internal static unsafe PtyPair OpenCore(string ptmxPath, ushort rows, ushort cols, bool usePeerIoctl)
    {
        // O_NOCTTY: opening a terminal must not make it our controlling terminal by accident;
        // that happens on purpose, later, in ControllingTerminal.Attach.
        const int flags = Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC;
        int master = Libc.Open(ptmxPath, flags, 0);
        if (master < 0) throw Libc.Fail($"open {ptmxPath}");
        try
        {
            // A new slave starts locked so nobody can open it before the master is set up
            // (this is what unlockpt(3) does).
            int unlock = 0;
            Libc.Check(Libc.Ioctl(master, Libc.TIOCSPTLCK, &unlock), "pty: unlock slave (TIOCSPTLCK)");

            uint number;
            Libc.Check(Libc.Ioctl(master, Libc.TIOCGPTN, &number), "pty: get slave number (TIOCGPTN)");
            string slavePath = Path.Combine(SlaveDirectory(master, ptmxPath), number.ToString(CultureInfo.InvariantCulture));

            // TIOCGPTPEER opens the slave that belongs to *this* master, without a path lookup. A path
            // can lie: inside a container /dev/pts may be a different devpts instance than the one
            // /dev/ptmx came from, and then /dev/pts/N is someone else's terminal or missing.
            int slave = -1;
            if (usePeerIoctl)
            {
                slave = Libc.Ioctl(master, Libc.TIOCGPTPEER, flags);
                if (slave < 0 && Libc.LastErrno is not (Libc.EINVAL or Libc.ENOTTY))
                    throw Libc.Fail("pty: open slave (TIOCGPTPEER)");
            }
            if (slave < 0)
            {
                // Kernels before 4.13 do not know TIOCGPTPEER: open the slave by name instead.
                slave = Libc.Open(slavePath, flags, 0);
                if (slave < 0) throw Libc.Fail($"open {slavePath}");
            }

            if (rows != 0 || cols != 0)
            {
                try { SetWindowSize(master, new WindowSize(rows, cols)); }
                catch { Libc.Close(slave); throw; }
            }
            return new PtyPair(master, slave, (int)number, slavePath);
        }
        catch
        {
            Libc.Close(master);
            throw;
        }
    }

    /// <summary>
    /// The directory holding the slaves of this master's devpts. The kernel knows which file the
    /// master really is (after symlinks): /proc/self/fd shows e.g. "/dev/pts/ptmx" (the devpts's own
    /// ptmx: slaves beside it) or "/dev/ptmx" (the classic device node: slaves in the "pts" next to
    /// it, which is also where the kernel looks for the devpts instance).
    /// </summary>
    private static string SlaveDirectory(int master, string ptmxPath)
    {
        string? real = null;
        try { real = new FileInfo($"/proc/self/fd/{master}").LinkTarget; }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        string ptmx = real is { Length: > 0 } && real[0] == '/' ? real : Path.GetFullPath(ptmxPath);
        string dir = Path.GetDirectoryName(ptmx) ?? "/";
        return Path.GetFileName(dir) == "pts" ? dir : Path.Combine(dir, "pts");
    }

    /// <summary>Sets the size of the terminal behind fd (either end of a pty). The kernel sends
    /// SIGWINCH to the terminal's foreground process group so full-screen programs redraw.</summary>
    public static unsafe void SetWindowSize(int fd, WindowSize size)
    {
        var ws = new Libc.WinSize { Rows = size.Rows, Cols = size.Cols };
        Libc.Check(Libc.Ioctl(fd, Libc.TIOCSWINSZ, &ws), "terminal: set window size (TIOCSWINSZ)");
    }

    /// <summary>Reads the size of the terminal behind fd.</summary>
    public static unsafe WindowSize GetWindowSize(int fd)
    {
        Libc.WinSize ws;
        Libc.Check(Libc.Ioctl(fd, Libc.TIOCGWINSZ, &ws), "terminal: get window size (TIOCGWINSZ)");
        return new WindowSize(ws.Rows, ws.Cols);
    }

    /// <summary>True when fd is a terminal (isatty).</summary>
    public static bool IsTerminal(int fd) => Libc.IsAtty(fd) == 1;
}
