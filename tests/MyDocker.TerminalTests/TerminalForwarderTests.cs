using System.Diagnostics;
using System.Text.RegularExpressions;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Terminal;
using MyDocker.Spec;

namespace MyDocker.TerminalTests;

/// <summary>
/// The forwarder between a "container" (a shell on a pty slave) and the caller's stdin/stdout,
/// which are pipes here, or a second pty standing in for the user's terminal.
/// </summary>
public class TerminalForwarderTests
{
    private const int Timeout = 20_000;

    /// <summary>Runs the forwarder on its own thread; returns what reached "stdout".</summary>
    private sealed class Forwarding : IDisposable
    {
        public readonly PtyPair Pty;
        public readonly Process Shell;
        public readonly int InRead;
        public int InWrite, OutRead, OutWrite;
        private readonly Background _run;
        private readonly Background? _reader;
        private string _output = "";

        /// <param name="readOutput">Read stdout while forwarding, as a terminal would; without it a
        /// full pipe (64 KiB) would block the forwarder.</param>
        public Forwarding(string script, bool sendEof = true, ushort rows = 24, ushort cols = 80, bool readOutput = true)
        {
            Pty = MyDocker.Runtime.Terminal.Pty.Open(rows, cols);
            (InRead, InWrite) = Fds.Pipe();
            (OutRead, OutWrite) = Fds.Pipe();
            Shell = Fds.StartOnSlave(Pty, script);
            int outRead = OutRead;
            if (readOutput) _reader = new Background(() => _output = Fds.ReadToEnd(outRead, 2 * Timeout));
            _run = new Background(() => TerminalForwarder.Run(Pty.MasterFd, InRead, OutWrite, sendEof));
        }

        /// <summary>Waits for the forwarder to return, then collects all output.</summary>
        public string Finish()
        {
            if (!_run.Join(Timeout))
            {
                Shell.Kill(entireProcessTree: true); // closes the slave: unblocks the forwarder
                _run.Join(Timeout);
                Assert.Fail("the forwarder did not return when the container side closed");
            }
            _run.ThrowIfFailed();
            Fds.Close(OutWrite); // the forwarder is done with it; now the reader sees EOF
            OutWrite = -1;
            if (_reader == null) return "";
            Assert.True(_reader.Join(Timeout), "stdout reader finished");
            _reader.ThrowIfFailed();
            return _output;
        }

        /// <summary>End of input, as when the user's pipe ends.</summary>
        public void CloseInput()
        {
            Fds.Close(InWrite);
            InWrite = -1;
        }

        /// <summary>Nobody reads our stdout any more.</summary>
        public void CloseOutputReader()
        {
            Assert.Null(_reader);
            Fds.Close(OutRead);
            OutRead = -1;
        }

        public void Dispose()
        {
            if (!Shell.HasExited) Shell.Kill(entireProcessTree: true);
            Shell.Dispose();
            Fds.Close(Pty.MasterFd, InRead, InWrite, OutRead, OutWrite);
        }
    }

    [Fact]
    public void PipedInput_ReachesTheContainer_AndItsOutputReachesStdout()
    {
        using var f = new Forwarding("read line; echo \"got:$line\"; stty size");
        Fds.Write(f.InWrite, "hello\n");
        f.CloseInput();

        string output = f.Finish();
        Assert.Contains("got:hello\r\n", output);
        Assert.Contains("24 80\r\n", output); // the consoleSize given to Pty.Open
    }

    [Fact]
    public void EndOfPipedInput_IsTypedAsEof_AfterACompleteLine()
    {
        // cat only ends when its terminal says end-of-file: that needs the ^D we send.
        using var f = new Forwarding("cat; echo cat-exited");
        Fds.Write(f.InWrite, "one\ntwo\n");
        f.CloseInput();

        string output = f.Finish();
        Assert.Contains("cat-exited", output);
        Assert.Equal(2, Regex.Matches(output, "two\r\n").Count); // the echo and cat's copy
    }

    [Fact]
    public void EndOfPipedInput_IsTypedAsEof_AfterAnUnfinishedLine()
    {
        // One ^D would only hand "abc" to cat; the second one is the end-of-file.
        using var f = new Forwarding("cat; echo; echo cat-exited");
        Fds.Write(f.InWrite, "abc");
        f.CloseInput();

        string output = f.Finish();
        Assert.Contains("cat-exited", output);
        Assert.Equal(2, Regex.Matches(output, "abc").Count);
    }

    [Fact]
    public void Returns_WhenTheContainerExits_EvenWithStdinStillOpen()
    {
        using var f = new Forwarding("echo bye");
        string output = f.Finish(); // f.InWrite is never closed
        Assert.Equal("bye\r\n", output);
    }

    [Fact]
    public void DrainsEverything_TheContainerWroteBeforeExiting()
    {
        using var f = new Forwarding("seq 1 20000");
        f.CloseInput();
        string output = f.Finish();
        string expected = string.Concat(Enumerable.Range(1, 20000).Select(i => $"{i}\r\n"));
        Assert.Equal(expected.Length, output.Length);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void KeepsDraining_WhenStdoutIsClosed()
    {
        using var f = new Forwarding("seq 1 20000; echo done", readOutput: false);
        f.CloseInput();
        f.CloseOutputReader(); // writes to stdout now fail with EPIPE
        Assert.Equal("", f.Finish());
        Assert.True(f.Shell.WaitForExit(Timeout), "the container finished writing");
    }

    [Fact]
    public void TerminalInput_IsRaw_FollowsTheWindowSize_AndIsRestored()
    {
        // A second pty plays the user's terminal: its slave is our stdin and stdout, its master
        // is "the keyboard and the screen".
        PtyPair user = Pty.Open(30, 100);
        PtyPair container = Pty.Open();
        Libc.Termios before = Fds.GetAttr(user.SlaveFd);
        Assert.NotEqual(0u, before.LFlag & Libc.ICANON);
        // As in `mydocker run`: the forwarder runs before the container's process starts. (The
        // test still holds the container's slave, so the forwarder does not see a hang-up yet.)
        var run = new Background(() => TerminalForwarder.Run(container.MasterFd, user.SlaveFd, user.SlaveFd, true));
        Process? shell = null;
        try
        {
            WaitForSize(container.MasterFd, new WindowSize(30, 100));
            shell = Fds.StartOnSlave(container, "stty size; read x; stty size; echo \"x=$x\"");

            // The user's size was copied to the container's pty at start.
            string screen = Fds.ReadUntil(user.MasterFd, s => s.Contains("30 100\r\n"), Timeout);
            Assert.Contains("30 100\r\n", screen);

            // The user's terminal is raw while forwarding: no echo, no line editing, no signals.
            Libc.Termios during = Fds.GetAttr(user.SlaveFd);
            Assert.Equal(0u, during.LFlag & (Libc.ICANON | Libc.ECHO | Libc.ISIG));
            Assert.Equal(0u, during.OFlag & Libc.OPOST);

            // Resize the user's window; a terminal emulator would get SIGWINCH from the kernel.
            Pty.SetWindowSize(user.MasterFd, new WindowSize(40, 120));
            Libc.Kill(Libc.GetPid(), 28 /* SIGWINCH */);
            WaitForSize(container.MasterFd, new WindowSize(40, 120));

            // Typing Enter sends "\r"; the container's pty turns it into "\n" for `read`.
            Fds.Write(user.MasterFd, "yo\r");
            screen += Fds.ReadUntil(user.MasterFd, s => s.Contains("x=yo\r\n"), Timeout);
            Assert.Contains("40 120\r\nx=yo\r\n", screen);

            Assert.True(run.Join(Timeout), "the forwarder returns when the container exits");
            run.ThrowIfFailed();

            Libc.Termios after = Fds.GetAttr(user.SlaveFd);
            Assert.Equal(before.IFlag, after.IFlag);
            Assert.Equal(before.OFlag, after.OFlag);
            Assert.Equal(before.CFlag, after.CFlag);
            Assert.Equal(before.LFlag, after.LFlag);
        }
        finally
        {
            if (shell == null) Fds.Close(container.SlaveFd);
            else if (!shell.HasExited) shell.Kill(entireProcessTree: true);
            run.Join(Timeout);
            shell?.Dispose();
            Fds.Close(user.MasterFd, user.SlaveFd, container.MasterFd);
        }
    }

    /// <summary>The forwarder copies sizes asynchronously: wait (bounded) until fd has size.</summary>
    private static void WaitForSize(int fd, WindowSize size)
    {
        var clock = Stopwatch.StartNew();
        while (Pty.GetWindowSize(fd) != size && clock.ElapsedMilliseconds < Timeout)
            Thread.Sleep(20);
        Assert.Equal(size, Pty.GetWindowSize(fd));
    }

    [Fact]
    public void RawMode_IsRestored_WhenForwardingFails()
    {
        PtyPair user = Pty.Open(30, 100);
        try
        {
            Libc.Termios before = Fds.GetAttr(user.SlaveFd);
            const int notAnFd = 1_000_000;
            var e = Assert.Throws<MyDockerException>(() => TerminalForwarder.Run(notAnFd, user.SlaveFd, user.SlaveFd, true));
            Assert.Equal("terminal: fcntl(F_GETFL) on the pty master: Bad file descriptor", e.Message);

            Libc.Termios after = Fds.GetAttr(user.SlaveFd);
            Assert.Equal(before.LFlag, after.LFlag);
            Assert.Equal(before.OFlag, after.OFlag);
            Assert.Equal(before.IFlag, after.IFlag);
        }
        finally
        {
            Fds.Close(user.MasterFd, user.SlaveFd);
        }
    }
}
