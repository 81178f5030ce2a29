using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Seccomp;
using MyDocker.Runtime.Security;
using MyDocker.Runtime.Terminal;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Init;

/// <summary>
/// The last stretch, shared by a container's first process and by `mydocker exec`: after the last
/// word with the runtime, become the configured user and exec the program (config.md "Process").
/// Errors here go to whoever released init and waits for the program (InitReport).
/// </summary>
public static class UserProgram
{
    /// <param name="report">where a failure goes: `start` (exec.fifo) or the runtime of `exec` (the SyncChannel)</param>
    public static int Exec(Config config, string path, int slaveFd, InitReport report, SeccompProgram? seccomp)
    {
        try
        {
            var process = config.Process!;
            if (slaveFd >= 0) ControllingTerminal.Attach(slaveFd);
            // Without no_new_privs only a process with CAP_SYS_ADMIN may load a filter: do it while still root (runc's order).
            if (seccomp != null && !process.NoNewPrivileges)
            {
                seccomp.Load();
                seccomp = null;
            }
            ProcessIdentity.Apply(process.User);
            ProcessCwd.Enter(process.Cwd);
            var env = process.Env ?? new List<string>();
            if (!env.Any(e => e.StartsWith("HOME=")))
                env = [.. env, "HOME=" + ProcessIdentity.HomeOf(process.User.Uid)];
            int preserve = int.TryParse(Environment.GetEnvironmentVariable(InitEnvironment.PreserveFds), out int n) ? n : 0;
            // Capabilities (effective, permitted, inheritable, ambient) and no_new_privs: per thread, so here,
            // on the thread that calls execve.
            ProcessSecurity.AfterIdentity(config);
            FinalExec.Exec(path, process.Args!, env, preserve, new RlimitPlan(process.Rlimits), seccomp, report);
            return 127; // not reached: FinalExec returns only by exiting
        }
        catch (Exception e) { return report.Fail(ErrorText.Of(e)); }
    }
}
