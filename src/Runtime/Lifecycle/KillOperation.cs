using MyDocker.Runtime.Interop;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>
/// runtime.md "kill": signal the container's init process; an error if it is not created or running.
/// `--all` (runc's extension) signals every process left in the container's cgroup, and works on a
/// stopped container too, as runc's does: containerd's CRI plugin sends `kill --all ID 9` after
/// every exit, to take down what init left behind, and treats an error as a failed stop.
/// </summary>
public static class KillOperation
{
    public static void Kill(StateStore store, string id, int signal, bool all = false)
    {
        using var idLock = store.Lock(id);
        var record = store.Load(id);
        string status = ContainerStatus.Probe(store, record);
        bool alive = status is ContainerStatus.Created or ContainerStatus.Running or ContainerStatus.Paused;
        if (all)
        {
            // Every process of the cgroup: e.g. a container without a pid namespace, whose processes
            // outlive init. Stopped, and its cgroup already gone: nothing to signal, as with runc.
            if (!alive && !(record.CgroupPaths ?? []).Any(Directory.Exists)) return;
            ContainerCgroups.Require(record, "kill --all").Signal(signal);
            return;
        }
        // "container not running" is runc's phrase: containerd's shim reads it as "already gone".
        if (!alive)
            throw new MyDockerException($"cannot kill container {ContainerId.Quote(id)}: container not running (it is {status})");
        if (!ProcessHandle.TrySignal(record, signal, out int errno))
            throw new MyDockerException($"cannot kill container {ContainerId.Quote(id)}: {Libc.StrError(errno)}", errno);
    }
}

/// <summary>
/// Signals and waits for a container's init through a pidfd, so a pid reused by another process is
/// never hit: the pidfd is opened first, then the start time is checked while we hold it.
/// </summary>
public static unsafe class ProcessHandle
{
    /// <summary>Opens a pidfd for the recorded process, or -1 if that process is gone.</summary>
    public static int Open(ContainerRecord record)
    {
        int fd = Libc.PidfdOpen(record.Pid);
        if (fd < 0) return -1;
        if (!ProcStat.IsAlive(record.Pid, record.PidStartTime))
        {
            Libc.Close(fd);
            return -1;
        }
        return fd;
    }

    public static bool TrySignal(ContainerRecord record, int signal, out int errno)
    {
        errno = 0;
        int fd = Open(record);
        if (fd < 0) { errno = Libc.ESRCH; return false; }
        try
        {
            if (Libc.PidfdSendSignal(fd, signal) == 0) return true;
            errno = Libc.LastErrno;
            return false;
        }
        finally { Libc.Close(fd); }
    }

    /// <summary>SIGKILL and wait until the process has exited (a pidfd polls readable then). True if it is gone.</summary>
    public static bool KillAndWait(ContainerRecord record, int timeoutMs)
    {
        int fd = Open(record);
        if (fd < 0) return true;
        try
        {
            Libc.PidfdSendSignal(fd, Signals.SIGKILL);
            var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
            return Libc.Poll(&pfd, 1, timeoutMs) > 0;
        }
        finally { Libc.Close(fd); }
    }
}
