using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Init;

/// <summary>
/// The last step of init: turn this process into the user program with execve(2).
/// Before that, undo what the .NET runtime set up for itself and what must not leak into the
/// container: the ignored SIGPIPE, a blocked signal mask, and every file descriptor above stdio.
/// </summary>
public static unsafe class FinalExec
{
    public static void Exec(string path, List<string> args, List<string> env, int preserveFds, Seccomp.SeccompFilter? seccomp = null)
    {
        // Every fd from 3 (+ preserved ones) closes at exec: no runtime descriptor reaches the container.
        if (Libc.CloseRangeCloexec(3 + preserveFds) < 0)
        {
            // close_range(2) needs Linux 5.11: otherwise mark each open fd by hand.
            foreach (string entry in Directory.GetFiles("/proc/self/fd"))
                if (int.TryParse(Path.GetFileName(entry), out int fd) && fd >= 3 + preserveFds)
                    Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);
        }
        // .NET ignores SIGPIPE; an ignored signal stays ignored across execve, so reset it.
        for (int sig = 1; sig < 32; sig++)
            if (sig != 9 && sig != 19) Libc.Signal(sig, 0 /* SIG_DFL */);
        ulong empty = 0;
        Libc.SigProcMask(2 /* SIG_SETMASK */, &empty, null);

        using var native = new NativeStrings();
        nint* argv = native.Array(args);
        nint* envp = native.Array(env);
        // config-linux.md "Seccomp": the very last step before execve, so the filter sees only the user program.
        seccomp?.Load();
        Libc.Execve(path, argv, envp);
        throw Libc.Fail($"exec {path}");
    }
}
