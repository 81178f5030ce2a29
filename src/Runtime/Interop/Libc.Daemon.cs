using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Interop;

/// <summary>What the engine's daemon needs besides the runtime's calls: the socket's owner, mounts of container root filesystems.</summary>
public static unsafe partial class Libc
{
    [LibraryImport(Lib, EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chown(string path, uint uid, uint gid);

    /// <summary>SO_PEERCRED's struct ucred: who is at the other end of a Unix socket, as the kernel saw it at connect().</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct UCred { public int Pid; public uint Uid; public uint Gid; }
    public const int SO_PEERCRED = 17;
}
