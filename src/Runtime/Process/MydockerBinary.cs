using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Process;

/// <summary>
/// The file the cloned child execs as `mydocker init`.
///
/// While `mydocker init` runs, /proc/PID/exe of that process leads to the file it was exec'd from. A
/// process that can see init in its pid namespace (and may ptrace it: same uid, or CAP_SYS_PTRACE)
/// can open that link, keep the descriptor, and once init has become the user program, reopen it for
/// writing and overwrite the host's `mydocker` — runc's CVE-2019-5736. So init runs from a sealed
/// in-memory copy (memfd, as runc does since the fix) whenever someone else can see it:
///  - `exec` into a running container: the container's processes share the pid namespace;
///  - `create` of a container without a new pid namespace: it joins one by path (a pod's) or stays in
///    the host's, where other processes already live.
/// A container with a new pid namespace needs no copy: init is PID 1 there, alone until it has exec'd
/// the user program, so nothing in the container ever sees the binary (see <see cref="ForInit"/>).
/// </summary>
public static unsafe class MydockerBinary
{
    /// <summary>The file init of a new container is exec'd from: a sealed copy when others can see init (see above).</summary>
    public static int ForInit(Namespaces.NamespacePlan plan) => plan.NewPid ? OpenSelf() : SealedCopy();

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
