using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Process;

/// <summary>
/// The file the cloned child execs as `mydocker init`.
///
/// For a new container: /proc/self/exe opened read-only; no container process exists yet that could
/// touch it. For `exec` into a running container, processes of the container could reach the binary
/// while our init stage runs inside their pid namespace (/proc/PID/exe) and, once it exits, overwrite
/// it on the host — runc's CVE-2019-5736. So exec runs a sealed in-memory copy: nothing written to
/// it can reach the host's file. (Sealed memfd, as runc does since the fix.)
/// </summary>
public static unsafe class MydockerBinary
{
    public static int OpenSelf()
    {
        int fd = Libc.Open("/proc/self/exe", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Libc.Fail("opening /proc/self/exe");
        return fd;
    }

    public static int SealedCopy()
    {
        int src = OpenSelf();
        int mem = Libc.MemfdCreate("mydocker", Libc.MFD_CLOEXEC | Libc.MFD_ALLOW_SEALING);
        try
        {
            if (mem < 0) throw Libc.Fail("memfd_create");
            long size = Libc.Lseek(src, 0, 2 /* SEEK_END */);
            if (size <= 0) throw Libc.Fail("sizing the mydocker binary");
            long offset = 0;
            while (offset < size)
            {
                nint n = Libc.Sendfile(mem, src, &offset, (nuint)(size - offset));
                if (n <= 0) throw Libc.Fail("copying the mydocker binary");
            }
            Libc.Check(Libc.Fcntl(mem, Libc.F_ADD_SEALS, Libc.F_SEAL_SEAL | Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_WRITE), "sealing the binary copy");
            return mem;
        }
        catch
        {
            if (mem >= 0) Libc.Close(mem);
            throw;
        }
        finally
        {
            Libc.Close(src);
        }
    }
}
