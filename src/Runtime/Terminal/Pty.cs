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
/// <param name="SlavePath">The slave's name, e.g. "/dev/pts/0" (runc bind-mounts it onto /dev/console).</param>
public readonly record struct PtyPair(int MasterFd, int SlaveFd, string SlavePath);

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
    public static PtyPair Open(ushort rows = 0, ushort cols = 0) => Open(rows, cols, usePeerIoctl: true);

    /// <summary>usePeerIoctl = false forces the /dev/pts/N fallback (for tests).</summary>
    internal static unsafe PtyPair Open(ushort rows, ushort cols, bool usePeerIoctl)
    {
        // O_NOCTTY: opening a terminal must not make it our controlling terminal by accident;
        // that happens on purpose, later, in ControllingTerminal.Attach.
        const int flags = Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC;
        int master = Libc.Open(PtmxPath, flags, 0);
        if (master < 0) throw Libc.Fail($"open {PtmxPath}");
        try
        {
            // A new slave starts locked so nobody can open it before the master is set up
            // (this is what unlockpt(3) does).
            int unlock = 0;
            Libc.Check(Libc.Ioctl(master, Libc.TIOCSPTLCK, &unlock), "pty: unlock slave (TIOCSPTLCK)");

            uint number;
            Libc.Check(Libc.Ioctl(master, Libc.TIOCGPTN, &number), "pty: get slave number (TIOCGPTN)");
            string slavePath = $"/dev/pts/{number}";

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
            return new PtyPair(master, slave, slavePath);
        }
        catch
        {
            Libc.Close(master);
            throw;
        }
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
