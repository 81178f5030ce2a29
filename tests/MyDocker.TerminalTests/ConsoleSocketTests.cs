using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Terminal;
using MyDocker.Spec;

namespace MyDocker.TerminalTests;

public class ConsoleSocketTests
{
    [Fact]
    public void SendFd_OverASocketPair_ArrivesAsTheSameOpenFile()
    {
        var (a, b) = Fds.SocketPair();
        var (r, w) = Fds.Pipe();
        int received = -1;
        try
        {
            ConsoleSocket.SendFd(a, w, "my-pipe");
            received = ConsoleSocket.ReceiveFd(b, out string name);

            Assert.Equal("my-pipe", name);
            Assert.NotEqual(w, received);                       // a new fd number...
            Assert.Equal(Fds.Target(w), Fds.Target(received));  // ...for the same pipe
            Assert.True(Fds.IsCloseOnExec(received));

            // Writing through the received fd reaches the pipe even with the original closed.
            Libc.Close(w);
            w = -1;
            Fds.Write(received, "through the socket");
            Libc.Close(received);
            received = -1;
            Assert.Equal("through the socket", Fds.ReadToEnd(r));
        }
        finally
        {
            Fds.Close(a, b, r, w, received);
        }
    }

    [Fact]
    public void ReceiveFd_PeerClosedWithoutSending_Throws()
    {
        var (a, b) = Fds.SocketPair();
        try
        {
            Libc.Close(a);
            a = -1;
            var e = Assert.Throws<MyDockerException>(() => ConsoleSocket.ReceiveFd(b));
            Assert.Equal("console socket: connection closed before a file descriptor was received", e.Message);
        }
        finally
        {
            Fds.Close(a, b);
        }
    }

    [Fact]
    public void ReceiveFd_MessageWithoutFd_Throws()
    {
        var (a, b) = Fds.SocketPair();
        try
        {
            Fds.Write(a, "just bytes");
            var e = Assert.Throws<MyDockerException>(() => ConsoleSocket.ReceiveFd(b));
            Assert.Equal("console socket: message carried no file descriptor", e.Message);
        }
        finally
        {
            Fds.Close(a, b);
        }
    }

    [Fact]
    public async Task Listener_ReceivesAPtyMaster_ThatStillWorksAfterTheSenderClosedIt()
    {
        PtyPair pty = Pty.Open(24, 80);
        using var listener = new ConsoleSocketListener();
        int master = -1;
        try
        {
            // The sender plays the container's init: send the master, then close its own copy.
            var sender = Task.Run(() => ConsoleSocket.SendMaster(listener.SocketPath, pty.MasterFd));
            master = listener.AcceptMaster(10_000);
            await sender.WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal(Fds.Target(pty.MasterFd), Fds.Target(master));
            Libc.Close(pty.MasterFd);

            Assert.Equal(new WindowSize(24, 80), Pty.GetWindowSize(master));
            Fds.Write(pty.SlaveFd, "hello from the container\n");
            Assert.Equal("hello from the container\r\n", Fds.ReadUntil(master, s => s.EndsWith('\n')));
        }
        finally
        {
            Fds.Close(master, pty.SlaveFd);
        }
    }

    [Fact]
    public unsafe void SendMaster_SendsThePtyNameLikeRunc()
    {
        // A hand-made listener, to look at the payload that AcceptMaster ignores.
        string dir = Directory.CreateTempSubdirectory("mydocker-name-").FullName;
        string path = Path.Combine(dir, "s");
        int listenFd = Libc.Check(Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0), "socket");
        var (r, w) = Fds.Pipe();
        int conn = -1, received = -1;
        try
        {
            Assert.Equal(0, UnixSocket.WithAddress(path, (addr, len) => Libc.Bind(listenFd, addr, len)));
            Libc.Check(Libc.Listen(listenFd, 1), "listen");
            ConsoleSocket.SendMaster(path, w);
            conn = Libc.Check(Libc.Accept4(listenFd, null, null, Libc.SOCK_CLOEXEC), "accept4");
            received = ConsoleSocket.ReceiveFd(conn, out string name);
            Assert.Equal("/dev/ptmx", name);
            Assert.Equal(Fds.Target(w), Fds.Target(received));
        }
        finally
        {
            Fds.Close(listenFd, conn, received, r, w);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Listener_LivesInAPrivateDirectory_RemovedOnDispose()
    {
        var listener = new ConsoleSocketListener();
        string dir = Path.GetDirectoryName(listener.SocketPath)!;
        Assert.True(File.Exists(listener.SocketPath) || new FileInfo(listener.SocketPath).Exists);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));

        listener.Dispose();
        Assert.False(Directory.Exists(dir));
        Assert.Throws<ObjectDisposedException>(() => listener.AcceptMaster(0));
    }

    [Fact]
    public void AcceptMaster_NobodyConnects_TimesOut()
    {
        using var listener = new ConsoleSocketListener();
        var e = Assert.Throws<MyDockerException>(() => listener.AcceptMaster(200));
        Assert.Equal($"console socket {listener.SocketPath}: timed out after 200 ms waiting for the container's terminal", e.Message);
        Assert.Equal(Libc.ETIMEDOUT, e.Errno);
    }

    [Fact]
    public void AcceptMaster_ConnectedButNothingSent_TimesOut()
    {
        using var listener = new ConsoleSocketListener();
        int sock = ConsoleSocket.Connect(listener.SocketPath);
        try
        {
            var e = Assert.Throws<MyDockerException>(() => listener.AcceptMaster(300));
            Assert.Contains("timed out after 300 ms waiting for the terminal's file descriptor", e.Message);
        }
        finally
        {
            Fds.Close(sock);
        }
    }

    [Fact]
    public void SendMaster_NoSocket_ThrowsOneLineMessage()
    {
        string path = $"/tmp/mydocker-no-such-dir-{Guid.NewGuid():N}/console.sock";
        var (r, w) = Fds.Pipe();
        try
        {
            var e = Assert.Throws<MyDockerException>(() => ConsoleSocket.SendMaster(path, w));
            Assert.Equal($"console socket {path}: connect: No such file or directory", e.Message);
            Assert.Equal(Libc.ENOENT, e.Errno);
        }
        finally
        {
            Fds.Close(r, w);
        }
    }

    [Fact]
    public unsafe void SendMaster_PathLongerThanSunPath_StillConnects()
    {
        // sun_path holds 107 bytes; conmon and friends can hand us longer paths.
        string dir = Directory.CreateTempSubdirectory("mydocker-long-").FullName;
        string deep = Path.Combine(dir, new string('d', 60), new string('e', 60));
        Directory.CreateDirectory(deep);
        string path = Path.Combine(deep, "console.sock");
        Assert.True(Encoding.UTF8.GetByteCount(path) >= Libc.SunPathMax);

        int listenFd = Libc.Check(Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0), "socket");
        var (r, w) = Fds.Pipe();
        int conn = -1, received = -1;
        try
        {
            Assert.Equal(0, UnixSocket.WithAddress(path, (addr, len) => Libc.Bind(listenFd, addr, len)));
            Assert.True(File.Exists(path) || new FileInfo(path).Exists, "the socket is at the long path itself");
            Libc.Check(Libc.Listen(listenFd, 1), "listen");

            ConsoleSocket.SendMaster(path, w); // connect succeeds; the message waits in the queue
            conn = Libc.Check(Libc.Accept4(listenFd, null, null, Libc.SOCK_CLOEXEC), "accept4");
            received = ConsoleSocket.ReceiveFd(conn);
            Assert.Equal(Fds.Target(w), Fds.Target(received));
        }
        finally
        {
            Fds.Close(listenFd, conn, received, r, w);
            Directory.Delete(dir, recursive: true);
        }
    }
}
