using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Terminal;

/// <summary>
/// Makes a pty slave the controlling terminal of the calling process. A controlling terminal is
/// what makes ^C send SIGINT to the foreground job, lets a shell do job control, and gives
/// /dev/tty a meaning. Only a session leader without a terminal may acquire one, hence setsid().
/// </summary>
public static class ControllingTerminal
{
    /// <summary>
    /// Called by init right before execve: setsid(), TIOCSCTTY, then the slave becomes
    /// stdin/stdout/stderr and the original fd (when above 2) is closed.
    /// </summary>
    public static void Attach(int slaveFd)
    {
        // A new session detaches us from the caller's terminal. setsid fails (EPERM) for a process
        // group leader; if that is because we already lead our own session, that is fine too.
        if (Libc.SetSid() < 0)
        {
            int errno = Libc.LastErrno;
            if (errno != Libc.EPERM || Libc.GetSid(0) != Libc.GetPid())
                throw new MyDockerException($"terminal: setsid: {Libc.StrError(errno)}", errno);
        }

        // arg 0: never steal a terminal that is another session's controlling terminal.
        Libc.Check(Libc.Ioctl(slaveFd, Libc.TIOCSCTTY, 0), "terminal: make controlling terminal (TIOCSCTTY)");

        for (int target = 0; target <= 2; target++)
        {
            if (slaveFd != target)
                Libc.Check(Libc.Dup2(slaveFd, target), $"terminal: dup2 onto fd {target}");
            // dup2 clears close-on-exec on the copy -- except when old and new are the same fd,
            // where it does nothing. Clear it explicitly so all three survive execve.
            Libc.Check(Libc.Fcntl(target, Libc.F_SETFD, 0), $"terminal: clear close-on-exec on fd {target}");
        }

        if (slaveFd > 2) Libc.Close(slaveFd);
    }
}
