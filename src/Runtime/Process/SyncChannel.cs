using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Process;

/// <summary>
/// The runtime ⇄ init conversation, one text line per message over a socketpair (runc's sync.go
/// plays this part). The whole protocol, in order:
///   runtime → init   "go"               the runtime has done what must precede init's setup
///   init → runtime   "hooks"            (only with prestart/createRuntime/createContainer/startContainer hooks)
///                                       mounts are done: run prestart and createRuntime now
///   runtime → init   "state &lt;json&gt;"     they succeeded; the state for createContainer/startContainer
///   init → runtime   "ready"            rootfs, hostname, console done; init now waits on exec.fifo
///   init → runtime   "error &lt;text&gt;"     setup failed; init exits, the runtime cleans up
/// A closed socket means the other side died.
/// </summary>
public sealed unsafe class SyncChannel : IDisposable
{
    public const string Go = "go", Ready = "ready", Hooks = "hooks", StatePrefix = "state ", ErrorPrefix = "error ";

    public int Fd { get; private set; }

    public SyncChannel(int fd) => Fd = fd;

    /// <summary>Makes a connected pair: [0] for the runtime (close-on-exec), [1] for init (inherited).</summary>
    public static (SyncChannel Runtime, int InitFd) CreatePair()
    {
        int* sv = stackalloc int[2];
        Libc.Check(Libc.SocketPair(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0, sv), "socketpair");
        // init's end must survive execve of `mydocker init`.
        Libc.Check(Libc.Fcntl(sv[1], Libc.F_SETFD, 0), "fcntl");
        return (new SyncChannel(sv[0]), sv[1]);
    }

    public void Send(string line)
    {
        // Messages are one line: newlines inside an error text would break the framing.
        byte[] bytes = Encoding.UTF8.GetBytes(line.Replace('\n', ' ') + "\n");
        fixed (byte* p = bytes)
        {
            int off = 0;
            while (off < bytes.Length)
            {
                nint n = Libc.Write(Fd, p + off, bytes.Length - off);
                if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (n <= 0) throw Libc.Fail("sync channel write");
                off += (int)n;
            }
        }
    }

    /// <summary>
    /// Sends "go". If the peer already died (EPIPE), its reason is waiting on the channel: the
    /// caller's next Expect reports it, so a write failure here is not the error to show.
    /// </summary>
    public void SendGo()
    {
        try { Send(Go); }
        catch (MyDockerException) { }
    }

    /// <summary>The next line, or null when the other side closed the channel.</summary>
    public string? Receive()
    {
        var buf = new List<byte>(64);
        byte b;
        while (true)
        {
            nint n = Libc.Read(Fd, &b, 1);
            if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
            if (n < 0) throw Libc.Fail("sync channel read");
            if (n == 0) return buf.Count == 0 ? null : Encoding.UTF8.GetString(buf.ToArray());
            if (b == (byte)'\n') return Encoding.UTF8.GetString(buf.ToArray());
            buf.Add(b);
        }
    }

    /// <summary>Waits for a specific message; an "error" message or a closed channel becomes an exception.</summary>
    public void Expect(string what, string peer)
    {
        string? line = Receive();
        if (line == null) throw new MyDockerException($"{peer} exited before sending \"{what}\"");
        if (line.StartsWith(ErrorPrefix)) throw new MyDockerException(line[ErrorPrefix.Length..]);
        if (line != what) throw new MyDockerException($"{peer} sent \"{line}\", expected \"{what}\"");
    }

    public void Dispose()
    {
        if (Fd >= 0) Libc.Close(Fd);
        Fd = -1;
    }
}
