using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Process;

/// <summary>
/// Waiting for a process that is not our child: a pidfd (pidfd_open) becomes readable when its
/// process exits, whoever reaps it, and cannot be fooled by a reused pid.
/// </summary>
public static unsafe class ProcessExit
{
    /// <summary>Blocks until the process behind <paramref name="pidFd"/> exits: true, or false after <paramref name="timeoutMs"/> (-1: no limit).</summary>
    public static bool Wait(int pidFd, int timeoutMs)
    {
        var pfd = new Libc.PollFd { Fd = pidFd, Events = Libc.POLLIN };
        int n;
        do n = Libc.Poll(&pfd, 1, timeoutMs); while (n < 0 && Libc.LastErrno == Libc.EINTR);
        return n > 0;
    }
}
