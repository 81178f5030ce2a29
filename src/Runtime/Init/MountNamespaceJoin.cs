using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Init;

/// <summary>
/// Entering a mount namespace from `mydocker init` rather than from the cloned child.
///
/// Why here: joining before the exec would make the exec resolve everything in the container's
/// filesystem (when the binary was dynamically linked, even its ELF loader, which busybox images do
/// not have), and init starts up on the host's files. init is a multi-threaded .NET process, and setns(CLONE_NEWNS) refuses
/// a caller whose filesystem context (root, cwd) is shared with other threads — so this thread first
/// takes a private copy with unshare(CLONE_FS). The namespace then belongs to this thread, the one
/// that will execve the user program, and execve keeps it.
/// </summary>
public static class MountNamespaceJoin
{
    public static void EnterIfAsked()
    {
        int fd = InitEnvironment.ReadFd(InitEnvironment.MountNsFd);
        if (fd < 0) return;
        Libc.Check(Libc.Unshare(0x00000200 /* CLONE_FS */), "unshare(CLONE_FS)");
        if (Libc.SetNs(fd, (int)Libc.CLONE_NEWNS) < 0) throw Libc.Fail("linux.namespaces: joining the mount namespace");
        Libc.Close(fd);
        Directory.SetCurrentDirectory("/");
    }
}
