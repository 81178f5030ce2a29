using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Terminal;

/// <summary>
/// runc's --console-socket protocol. When a container has process.terminal = true, the pty is
/// created *inside* the container (so it belongs to the container's devpts), and its master has
/// to get out to whoever shows it to the user: conmon, containerd's shim, or `mydocker run`.
/// That caller listens on a unix stream socket; the runtime connects and sends the master fd as
/// SCM_RIGHTS ancillary data of a single message whose bytes are the file's name. The receiver
/// gets a new fd for the same open file, just like dup(2) across processes.
/// </summary>
public static unsafe class ConsoleSocket
{
    /// <summary>The payload runc sends along with the fd: the name of the master's file.</summary>
    public const string DefaultMasterName = "/dev/ptmx";

    /// <summary>Connects to the console socket at socketPath, sends masterFd, and disconnects.</summary>
    public static void SendMaster(string socketPath, int masterFd, string name = DefaultMasterName)
    {
        int sock = Connect(socketPath);
        try
        {
            SendFd(sock, masterFd, name, $"console socket {socketPath}");
        }
        finally
        {
            Libc.Close(sock);
        }
    }

    /// <summary>
    /// Connects a new unix stream socket (close-on-exec) to socketPath. runc connects in the host,
    /// before the container's root is switched, and hands the connected fd to init; the runtime can
    /// do the same with this and <see cref="SendFd"/>.
    /// </summary>
    public static int Connect(string socketPath)
    {
        int sock = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (sock < 0) throw Libc.Fail($"console socket {socketPath}: socket");
        try
        {
            int rc = UnixSocket.WithAddress(socketPath, (addr, len) => Libc.Connect(sock, addr, len));
            if (rc < 0) throw Libc.Fail($"console socket {socketPath}: connect");
            return sock;
        }
        catch
        {
            Libc.Close(sock);
            throw;
        }
    }

    /// <summary>Sends fd over the connected unix socket with SCM_RIGHTS, name as the message bytes.</summary>
    public static void SendFd(int socketFd, int fd, string name) => SendFd(socketFd, fd, name, "console socket");

    private static void SendFd(int socketFd, int fd, string name, string what)
    {
        // At least one byte of real data must travel with ancillary data, or nothing is sent.
        byte[] payload = Encoding.UTF8.GetBytes(name.Length > 0 ? name : DefaultMasterName);
        int controlLen = Libc.CmsgSpace(sizeof(int));
        byte* control = stackalloc byte[controlLen];
        new Span<byte>(control, controlLen).Clear();

        var cmsg = (Libc.CmsgHdr*)control;
        cmsg->Len = (nuint)Libc.CmsgLen(sizeof(int));
        cmsg->Level = Libc.SOL_SOCKET;
        cmsg->Type = Libc.SCM_RIGHTS;
        *(int*)Libc.CmsgData(cmsg) = fd;

        fixed (byte* data = payload)
        {
            var iov = new Libc.IoVec { Base = data, Len = (nuint)payload.Length };
            var msg = new Libc.MsgHdr
            {
                Iov = &iov,
                IovLen = 1,
                Control = control,
                ControlLen = (nuint)controlLen,
            };
            nint sent;
            do sent = Libc.SendMsg(socketFd, &msg, Libc.MSG_NOSIGNAL);
            while (sent < 0 && Libc.LastErrno == Libc.EINTR);
            if (sent < 0) throw Libc.Fail($"{what}: sendmsg");
            // A stream socket may send less than asked; the fd went with the first byte, and the
            // receiver reads the name as best effort, so a short name is not an error.
        }
    }

    /// <summary>Receives one fd (close-on-exec) sent with SCM_RIGHTS on a connected unix socket.</summary>
    public static int ReceiveFd(int connectedSocketFd) => ReceiveFd(connectedSocketFd, out _);

    /// <summary>Receives one fd and the name the sender attached to it.</summary>
    public static int ReceiveFd(int connectedSocketFd, out string name)
    {
        const int maxName = 4096;
        byte* data = stackalloc byte[maxName];
        // Room for a few fds: a misbehaving sender may send more than one, and if they do not fit
        // the kernel drops them (MSG_CTRUNC) -- we want to see and close them instead.
        const int maxFds = 8;
        int controlLen = Libc.CmsgSpace(maxFds * sizeof(int));
        byte* control = stackalloc byte[controlLen];
        new Span<byte>(control, controlLen).Clear();

        var iov = new Libc.IoVec { Base = data, Len = maxName };
        var msg = new Libc.MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = (nuint)controlLen };

        nint n;
        // MSG_CMSG_CLOEXEC: the received fd must not leak into programs we start later.
        do n = Libc.RecvMsg(connectedSocketFd, &msg, Libc.MSG_CMSG_CLOEXEC);
        while (n < 0 && Libc.LastErrno == Libc.EINTR);
        if (n < 0) throw Libc.Fail("console socket: recvmsg");

        // Walk the control messages (CMSG_FIRSTHDR / CMSG_NXTHDR) and collect all fds.
        var fds = new List<int>();
        int hdr = Libc.CmsgAlign(sizeof(Libc.CmsgHdr));
        int offset = 0;
        int used = (int)msg.ControlLen; // the kernel sets it to the bytes it filled in
        while (offset + sizeof(Libc.CmsgHdr) <= used)
        {
            var cmsg = (Libc.CmsgHdr*)(control + offset);
            int len = (int)cmsg->Len;
            if (len < hdr || offset + len > used) break;
            if (cmsg->Level == Libc.SOL_SOCKET && cmsg->Type == Libc.SCM_RIGHTS)
            {
                int count = (len - hdr) / sizeof(int);
                int* p = (int*)Libc.CmsgData(cmsg);
                for (int i = 0; i < count; i++) fds.Add(p[i]);
            }
            offset += Libc.CmsgAlign(len);
        }

        name = Encoding.UTF8.GetString(data, (int)n);
        if (fds.Count == 0)
        {
            if ((msg.Flags & Libc.MSG_CTRUNC) != 0)
                throw new MyDockerException("console socket: received file descriptor was dropped (control data truncated; out of fds?)");
            throw new MyDockerException(n == 0
                ? "console socket: connection closed before a file descriptor was received"
                : "console socket: message carried no file descriptor");
        }
        for (int i = 1; i < fds.Count; i++) Libc.Close(fds[i]); // only the first one is ours
        if (fds.Count > 1 || (msg.Flags & Libc.MSG_CTRUNC) != 0)
        {
            Libc.Close(fds[0]);
            throw new MyDockerException("console socket: expected one file descriptor, received several");
        }
        return fds[0];
    }
}
