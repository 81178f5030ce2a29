using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Terminal;

namespace MyDocker.TerminalTests;

public class PtyTests
{
    [Theory]
    [InlineData(true)]   // TIOCGPTPEER
    [InlineData(false)]  // fallback: TIOCGPTN + open /dev/pts/N
    public void Open_GivesAConnectedPair(bool usePeerIoctl)
    {
        PtyPair pty = Pty.OpenCore(Pty.PtmxPath, 0, 0, usePeerIoctl);
        try
        {
            Assert.True(Pty.IsTerminal(pty.MasterFd));
            Assert.True(Pty.IsTerminal(pty.SlaveFd));
            Assert.Equal($"/dev/pts/{pty.Number}", pty.SlavePath);
            Assert.Equal(pty.SlavePath, Fds.Target(pty.SlaveFd));
            Assert.True(Fds.IsCloseOnExec(pty.MasterFd));
            Assert.True(Fds.IsCloseOnExec(pty.SlaveFd));

            // Program output: the line discipline turns "\n" into "\r\n" (ONLCR).
            Fds.Write(pty.SlaveFd, "ping\n");
            Assert.Equal("ping\r\n", Fds.ReadUntil(pty.MasterFd, s => s.EndsWith('\n')));

            // Keyboard input: the program reads the line; the terminal echoes it back to the master.
            Fds.Write(pty.MasterFd, "pong\n");
            Assert.Equal("pong\n", Fds.ReadUntil(pty.SlaveFd, s => s.EndsWith('\n')));
            Assert.Equal("pong\r\n", Fds.ReadUntil(pty.MasterFd, s => s.EndsWith('\n')));
        }
        finally
        {
            Fds.Close(pty.MasterFd, pty.SlaveFd);
        }
    }

    [Fact]
    public void Open_WithSize_SetsTheWindowSize()
    {
        PtyPair pty = Pty.Open(rows: 24, cols: 80);
        try
        {
            Assert.Equal(new WindowSize(24, 80), Pty.GetWindowSize(pty.SlaveFd));
            Assert.Equal(new WindowSize(24, 80), Pty.GetWindowSize(pty.MasterFd));
        }
        finally
        {
            Fds.Close(pty.MasterFd, pty.SlaveFd);
        }
    }

    [Fact]
    public void Open_WithoutSize_LeavesItUnset()
    {
        PtyPair pty = Pty.Open();
        try
        {
            Assert.Equal(new WindowSize(0, 0), Pty.GetWindowSize(pty.SlaveFd));
        }
        finally
        {
            Fds.Close(pty.MasterFd, pty.SlaveFd);
        }
    }

    [Fact]
    public void SetWindowSize_OnMaster_IsWhatTheSlaveSees()
    {
        PtyPair pty = Pty.Open(10, 20);
        try
        {
            Pty.SetWindowSize(pty.MasterFd, new WindowSize(50, 132));
            Assert.Equal(new WindowSize(50, 132), Pty.GetWindowSize(pty.SlaveFd));
        }
        finally
        {
            Fds.Close(pty.MasterFd, pty.SlaveFd);
        }
    }

    [Fact]
    public void SlaveIsUnlocked_AndCanBeOpenedByName()
    {
        PtyPair pty = Pty.Open();
        int again = Libc.Open(pty.SlavePath, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
        try
        {
            Assert.True(again >= 0, $"open {pty.SlavePath}: {Libc.StrError(Libc.LastErrno)}");
            Fds.Write(again, "by-name\n");
            Assert.Equal("by-name\r\n", Fds.ReadUntil(pty.MasterFd, s => s.EndsWith('\n')));
        }
        finally
        {
            Fds.Close(again, pty.MasterFd, pty.SlaveFd);
        }
    }

    [Fact]
    public void MasterReportsEio_OnceAllSlavesAreClosed()
    {
        // This is how a forwarder knows the container is gone.
        PtyPair pty = Pty.Open();
        try
        {
            Fds.Write(pty.SlaveFd, "last words\n");
            Libc.Close(pty.SlaveFd);
            // Buffered output is still readable after the hang-up...
            Assert.Equal("last words\r\n", Fds.ReadToEnd(pty.MasterFd, 5000));
            // ...and then read fails with EIO.
            unsafe
            {
                byte b;
                Assert.Equal(-1, (int)Libc.Read(pty.MasterFd, &b, 1));
                Assert.Equal(Libc.EIO, Libc.LastErrno);
            }
        }
        finally
        {
            Fds.Close(pty.MasterFd);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Open_ThroughAContainersPtmx_UsesItsOwnDevpts(bool usePeerIoctl)
    {
        // What init does before pivot_root: ROOTFS/dev/pts is a fresh devpts (newinstance) and
        // ROOTFS/dev/ptmx -> pts/ptmx, so the pty is the container's, numbered from 0.
        string root = Directory.CreateTempSubdirectory("mydocker-devpts-").FullName;
        string pts = Path.Combine(root, "dev", "pts");
        Directory.CreateDirectory(pts);
        File.CreateSymbolicLink(Path.Combine(root, "dev", "ptmx"), "pts/ptmx");
        Sh($"mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts '{pts}'");
        try
        {
            PtyPair pty = Pty.OpenCore(Path.Combine(root, "dev", "ptmx"), 12, 34, usePeerIoctl);
            try
            {
                Assert.Equal(0, pty.Number);
                Assert.Equal(Path.Combine(pts, "0"), pty.SlavePath);
                Assert.Equal(pty.SlavePath, Fds.Target(pty.SlaveFd));
                Assert.Equal(new WindowSize(12, 34), Pty.GetWindowSize(pty.SlaveFd));
                Fds.Write(pty.SlaveFd, "inside\n");
                Assert.Equal("inside\r\n", Fds.ReadUntil(pty.MasterFd, s => s.EndsWith('\n')));
            }
            finally
            {
                Fds.Close(pty.MasterFd, pty.SlaveFd);
            }
        }
        finally
        {
            Sh($"umount '{pts}'");
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Sh(string command)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{command}: {err}");
    }
}
