using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Process;

/// <summary>
/// A runtime started with stdin, stdout or stderr closed (containerd's shim does this for a pod's
/// sandbox, whose output nobody reads) would open its next files as fds 0, 1 and 2: the rootfs, the
/// state directory, a log file would then stand in for "stdout", and be handed to the container or
/// overwritten (measured: `create` aborted with status 134 and wrote no error). So before anything
/// else, every one of them that is closed is opened on /dev/null, as Go's runtime does for runc.
/// </summary>
public static class StandardFds
{
    public static void OpenClosedOnDevNull()
    {
        for (int fd = 0; fd <= 2; fd++)
        {
            if (Libc.Fcntl(fd, Libc.F_GETFD, 0) >= 0) continue;
            // open() takes the lowest free number: this one, since the ones below it are open.
            Libc.Open("/dev/null", Libc.O_RDWR, 0);
        }
    }
}
