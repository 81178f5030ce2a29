using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Seccomp;
using MyDocker.Runtime.Security;

namespace MyDocker.Runtime.Init;

/// <summary>
/// The last step of init: turn this process into the user program with execve(2).
/// Before that, undo what the .NET runtime set up for itself and what must not leak into the
/// container: the ignored SIGPIPE, a blocked signal mask, and every file descriptor above stdio.
/// Then, with everything prepared in native memory, three system calls and nothing else:
///
///   setrlimit (each of process.rlimits) → seccomp (the compiled filter) → execve
///
/// The rlimits come here, at the very end, because this process's .NET runtime cannot live under
/// them (see Rlimits): nothing from the first setrlimit on may allocate, not even an error message
/// (InitReport.FailRaw). They come before the filter, as in runc (which sets them from its parent
/// before its init loads the filter), so a profile need not allow prlimit64 — except without
/// process.noNewPrivileges, where the filter is loaded earlier, while init still has CAP_SYS_ADMIN.
/// </summary>
public static unsafe class FinalExec
{
    public static void Exec(string path, List<string> args, List<string> env, int preserveFds,
        RlimitPlan rlimits, SeccompProgram? seccomp, InitReport report)
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

        var native = new NativeStrings(); // freed by execve, or with the process
        byte* file = native.String(path);
        nint* argv = native.Array(args);
        nint* envp = native.Array(env);
        byte* execFailed = native.String($"exec {path}: ");
        byte* loadFailed = native.String(SeccompProgram.LoadErrorPrefix);
        Last(file, argv, envp, rlimits, seccomp, report, execFailed, loadFailed);
    }

    /// <summary>Allocates nothing. Returns only by exiting (with the failure reported).</summary>
    private static void Last(byte* file, nint* argv, nint* envp, RlimitPlan rlimits, SeccompProgram? seccomp,
        InitReport report, byte* execFailed, byte* loadFailed)
    {
        int errno = rlimits.TrySetAll(out byte* what);
        if (errno == 0 && seccomp != null && (errno = seccomp.TryLoad()) != 0) what = loadFailed;
        if (errno == 0)
        {
            Libc.Child.Execve(file, argv, envp);
            errno = *Libc.Child.ErrnoLocation();
            what = execFailed;
        }
        report.FailRaw(what, errno);
    }
}
