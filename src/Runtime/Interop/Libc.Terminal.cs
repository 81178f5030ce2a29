using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Interop;

/// <summary>
/// Terminal and unix-socket calls: the pieces behind process.terminal and --console-socket.
/// ioctl/termios drive the pseudo-terminal, setsid makes a session that can own it, and the
/// socket calls carry the pty master from the container to whoever shows it to the user
/// (SCM_RIGHTS file-descriptor passing).
/// Constants are the Linux "generic" values, shared by x86-64 and arm64.
/// </summary>
public static unsafe partial class Libc
{
    // errno values the terminal code tests for by name (the common ones are in Libc.cs).
    public const int ENOTTY = 25, EPIPE = 32, ENAMETOOLONG = 36, ETIMEDOUT = 110;

    // ---- ioctl -------------------------------------------------------------------------------
    // ioctl is variadic in C; on Linux x86-64 and arm64 a variadic integer/pointer argument is
    // passed exactly like a fixed one, so one plain declaration per argument kind is enough.

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, nint arg);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* arg);

    public const nuint TIOCSCTTY = 0x540E;      // make this tty our controlling terminal (arg: steal?)
    public const nuint TIOCNOTTY = 0x5422;      // give up the controlling terminal
    public const nuint TIOCGWINSZ = 0x5413;     // get struct winsize
    public const nuint TIOCSWINSZ = 0x5414;     // set struct winsize (sends SIGWINCH to the foreground group)
    public const nuint TIOCGPTN = 0x80045430;   // pty master: number N of its slave /dev/pts/N
    public const nuint TIOCSPTLCK = 0x40045431; // pty master: lock (1) / unlock (0) the slave
    public const nuint TIOCGPTPEER = 0x5441;    // pty master: open the slave directly (Linux >= 4.13)

    /// <summary>struct winsize: the terminal size programs read with TIOCGWINSZ ("stty size").</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct WinSize
    {
        public ushort Rows, Cols;
        public ushort XPixel, YPixel;
    }

    // ---- termios -----------------------------------------------------------------------------

    /// <summary>glibc's struct termios (60 bytes): the line discipline's settings.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Termios
    {
        public uint IFlag, OFlag, CFlag, LFlag;
        public byte Line;
        public fixed byte Cc[NCCS];
        public uint ISpeed, OSpeed;
    }
    public const int NCCS = 32;
    public const int VEOF = 4;                  // index into Cc: the end-of-file character (^D)
    public const uint ICANON = 0x2, ECHO = 0x8, ISIG = 0x1; // c_lflag bits
    public const uint ICRNL = 0x100;            // c_iflag: turn typed CR into NL
    public const uint OPOST = 0x1;              // c_oflag: output post-processing (NL -> CRNL)
    public const int TCSANOW = 0, TCSADRAIN = 1, TCSAFLUSH = 2;

    [LibraryImport(Lib, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, Termios* termios);

    [LibraryImport(Lib, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int optionalActions, Termios* termios);

    /// <summary>Turns a termios into "raw": no echo, no line editing, no signals, no output processing.</summary>
    [LibraryImport(Lib, EntryPoint = "cfmakeraw")]
    public static partial void CfMakeRaw(Termios* termios);

    [LibraryImport(Lib, EntryPoint = "isatty", SetLastError = true)]
    public static partial int IsAtty(int fd);

    // ---- sessions ----------------------------------------------------------------------------

    [LibraryImport(Lib, EntryPoint = "setsid", SetLastError = true)]
    public static partial int SetSid();

    [LibraryImport(Lib, EntryPoint = "getsid", SetLastError = true)]
    public static partial int GetSid(int pid);

    [LibraryImport(Lib, EntryPoint = "tcgetpgrp", SetLastError = true)]
    public static partial int TcGetPgrp(int fd);

    // ---- unix sockets ------------------------------------------------------------------------

    [LibraryImport(Lib, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Lib, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, SockAddrUn* addr, uint addrLen);

    [LibraryImport(Lib, EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);

    [LibraryImport(Lib, EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int fd, void* addr, uint* addrLen, int flags);

    [LibraryImport(Lib, EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, SockAddrUn* addr, uint addrLen);

    [LibraryImport(Lib, EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport(Lib, EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint RecvMsg(int fd, MsgHdr* msg, int flags);

    /// <summary>struct sockaddr_un: family AF_UNIX and a NUL-terminated path of at most 107 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrUn
    {
        public ushort Family;
        public fixed byte Path[SunPathMax];
    }
    public const int SunPathMax = 108;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec { public void* Base; public nuint Len; }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLen;
        public IoVec* Iov;
        public nuint IovLen;
        public void* Control;
        public nuint ControlLen;
        public int Flags;
    }

    /// <summary>struct cmsghdr: the header of one "ancillary" message, e.g. the fds of SCM_RIGHTS.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CmsgHdr { public nuint Len; public int Level; public int Type; }

    public const int SOL_SOCKET = 1, SCM_RIGHTS = 1;
    public const int MSG_CTRUNC = 0x8, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;

    // The CMSG_* macros of <sys/socket.h>: ancillary data is padded to the size of size_t.
    public static int CmsgAlign(int len) => (len + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);
    public static int CmsgSpace(int dataLen) => CmsgAlign(sizeof(CmsgHdr)) + CmsgAlign(dataLen);
    public static int CmsgLen(int dataLen) => CmsgAlign(sizeof(CmsgHdr)) + dataLen;
    public static byte* CmsgData(CmsgHdr* cmsg) => (byte*)cmsg + CmsgAlign(sizeof(CmsgHdr));
}
