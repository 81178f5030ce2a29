using System.Runtime.InteropServices;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Seccomp;

/// <summary>
/// A filter compiled ahead of time (<see cref="SeccompFilter.Compile"/>): the BPF program libseccomp
/// would load, in native memory, with the seccomp(2) flags it would pass. Loading it is one system
/// call that allocates nothing. That is what init's last step needs: it loads the filter after the
/// rlimits, and under a small RLIMIT_AS seccomp_load's own malloc fails (init used to die there with
/// "free(): invalid pointer").
///
/// The flags are those of libseccomp's sys_filter_load (src/system.c): TSYNC, LOG and SPEC_ALLOW
/// from the filter's attributes. no_new_privs is never set here (process.noNewPrivileges decides),
/// and there is no user notification listener (SeccompNames refuses SCMP_ACT_NOTIFY).
/// </summary>
public sealed unsafe class SeccompProgram : IDisposable
{
    private const string Field = "linux.seccomp";

    private Libc.SockFprog* _fprog; // the header, the instructions right after it
    private readonly long _sysSeccomp = Libc.SysSeccomp;

    /// <summary>SECCOMP_FILTER_FLAG_* for seccomp(2).</summary>
    public uint Flags { get; }

    /// <summary>How many BPF instructions (struct sock_filter, 8 bytes each).</summary>
    public int Length => _fprog->Len;

    internal SeccompProgram(ReadOnlySpan<byte> instructions, uint flags)
    {
        if (instructions.Length == 0 || instructions.Length % 8 != 0 || instructions.Length / 8 > ushort.MaxValue)
            throw new MyDockerException($"{Field}: libseccomp exported a BPF program of {instructions.Length} bytes");
        byte* p = (byte*)NativeMemory.Alloc((nuint)(sizeof(Libc.SockFprog) + instructions.Length));
        byte* code = p + sizeof(Libc.SockFprog);
        instructions.CopyTo(new Span<byte>(code, instructions.Length));
        _fprog = (Libc.SockFprog*)p;
        _fprog->Len = (ushort)(instructions.Length / 8);
        _fprog->Filter = (nint)code;
        Flags = flags;
    }

    /// <summary>The instructions, as the kernel takes them (struct sock_filter[], host byte order).</summary>
    public ReadOnlySpan<byte> Instructions => new((byte*)_fprog->Filter, _fprog->Len * 8);

    /// <summary>[flags, 4 bytes, host order][instructions]: the form SeccompCache keeps and init receives (SeccompHandoff).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[4 + Length * 8];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), Flags);
        Instructions.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    /// <summary>The inverse of <see cref="ToBytes"/>; a malformed program is an error naming <paramref name="what"/>.</summary>
    public static SeccompProgram FromBytes(ReadOnlySpan<byte> bytes, string what)
    {
        if (bytes.Length < 4 + 8 || (bytes.Length - 4) % 8 != 0)
            throw new MyDockerException($"{Field}: {what}: {bytes.Length} bytes is not a BPF program");
        return new SeccompProgram(bytes[4..], BitConverter.ToUInt32(bytes[..4]));
    }

    /// <summary>
    /// seccomp(SECCOMP_SET_MODE_FILTER) on the calling thread (every thread with TSYNC): 0, or the
    /// errno. Allocates nothing and never throws: safe after the rlimits.
    /// </summary>
    public int TryLoad()
    {
        long rc = Libc.Child.Syscall5(_sysSeccomp, Libc.SECCOMP_SET_MODE_FILTER, Flags, (long)_fprog, 0, 0);
        if (rc == 0) return 0;
        // With TSYNC, a positive result is a thread that could not take the filter: libseccomp says ESRCH.
        return rc > 0 ? Libc.ESRCH : *Libc.Child.ErrnoLocation();
    }

    /// <summary><see cref="TryLoad"/>, with a failure as a one-line MyDockerException.</summary>
    public void Load()
    {
        int errno = TryLoad();
        if (errno != 0) throw new MyDockerException(LoadErrorPrefix + Libc.StrError(errno) + Hint(errno), errno);
    }

    /// <summary>The start of a load error line, followed by strerror(errno).</summary>
    public const string LoadErrorPrefix = Field + ": loading the filter: ";

    private static string Hint(int errno) => errno == Libc.EACCES
        ? " (without process.noNewPrivileges the filter must be loaded while the process has CAP_SYS_ADMIN)"
        : "";

    public void Dispose()
    {
        if (_fprog != null) NativeMemory.Free(_fprog);
        _fprog = null;
    }
}
