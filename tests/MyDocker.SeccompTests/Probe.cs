using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Seccomp;
using MyDocker.Spec;
using MyDocker.Spec.Model;
using static MyDocker.SeccompTests.Profiles;

namespace MyDocker.SeccompTests;

/// <summary>
/// Builds a filter, loads it into THIS process, makes a few system calls and prints what happened
/// as "key=value" lines (errno 0 = the call succeeded). Sets no_new_privs first, as a container with
/// process.noNewPrivileges does, so loading needs no privilege.
/// </summary>
public static unsafe class Probe
{
    public static int Run(string scenario)
    {
        try
        {
            return scenario switch
            {
                "errno" => ErrnoRules(),
                "args" => ArgRules(),
                "kill" => KillProcess(),
                "tsync" => ThreadSync(tsync: true),
                "notsync" => ThreadSync(tsync: false),
                "unprivileged" => Unprivileged(),
                _ => throw new ArgumentException($"no scenario {scenario}"),
            };
        }
        catch (MyDockerException e)
        {
            Console.WriteLine($"error={e.Message}");
            return 1;
        }
    }

    private static void NoNewPrivs() => Libc.Check(Libc.Prctl(Libc.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");

    private static int ErrnoOf(int result) => result < 0 ? Libc.LastErrno : 0;

    private static void Print(string key, object value)
    {
        Console.WriteLine($"{key}={value}");
        Console.Out.Flush();
    }

    private static string Status(string key, string file = "/proc/self/status") =>
        File.ReadAllLines(file).FirstOrDefault(l => l.StartsWith(key + ":"))?.Split(':', 2)[1].Trim() ?? "absent";

    // mkdir → ERRNO(13), unlink → ERRNO without errnoRet (EPERM); everything else allowed.
    private static int ErrnoRules()
    {
        using var filter = SeccompFilter.Build(Make("SCMP_ACT_ALLOW",
            Errno(13, "mkdir", "mkdirat"),
            Rule("SCMP_ACT_ERRNO", "unlink", "unlinkat")));
        string dir = Path.Combine(Path.GetTempPath(), $"mydocker-seccomp-probe-{Environment.ProcessId}");
        NoNewPrivs();
        filter.Load();
        Print("mkdir", ErrnoOf(Libc.MkdirRaw(dir, 0x1ED)));
        Print("unlink", ErrnoOf(Libc.Unlink("/nonexistent/mydocker-seccomp")));
        Print("getpid", Libc.GetPid() == Environment.ProcessId ? "ok" : "wrong");
        Print("seccomp", Status("Seccomp"));
        Print("filters", Status("Seccomp_filters"));
        Print("exists", Directory.Exists(dir));
        return 0;
    }

    private static int ArgRules()
    {
        int self = Environment.ProcessId;
        int parent = int.Parse(File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        int fdA = Libc.Check(Libc.Open("/dev/null", Libc.O_RDONLY | Libc.O_CLOEXEC, 0), "open");
        int fdB = Libc.Check(Libc.Open("/dev/null", Libc.O_RDONLY | Libc.O_CLOEXEC, 0), "open");
        using var filter = SeccompFilter.Build(Make("SCMP_ACT_ALLOW",
            // Two comparisons of argument 0: OR (two rules).
            Errno(42, "kill").With(0, "SCMP_CMP_EQ", (ulong)self).With(0, "SCMP_CMP_EQ", (ulong)parent),
            // Two different arguments: AND (one rule).
            Errno(43, "fcntl").With(0, "SCMP_CMP_EQ", (ulong)fdA).With(1, "SCMP_CMP_EQ", Libc.F_GETFD),
            // value = mask, valueTwo = the value after masking.
            Errno(44, "openat").With(2, "SCMP_CMP_MASKED_EQ", Libc.O_TRUNC, Libc.O_TRUNC),
            Errno(44, "open").With(1, "SCMP_CMP_MASKED_EQ", Libc.O_TRUNC, Libc.O_TRUNC),
            Errno(45, "kill").With(0, "SCMP_CMP_GT", 0x7ffffff0)));
        NoNewPrivs();
        filter.Load();
        Print("kill_self", ErrnoOf(Libc.Kill(self, 0)));
        Print("kill_parent", ErrnoOf(Libc.Kill(parent, 0)));
        Print("kill_init", ErrnoOf(Libc.Kill(1, 0)));
        Print("kill_big", ErrnoOf(Libc.Kill(0x7ffffff5, 0)));
        Print("fcntl_a_getfd", ErrnoOf(Libc.Fcntl(fdA, Libc.F_GETFD, 0)));
        Print("fcntl_b_getfd", ErrnoOf(Libc.Fcntl(fdB, Libc.F_GETFD, 0)));
        Print("fcntl_a_getfl", ErrnoOf(Libc.Fcntl(fdA, Libc.F_GETFL, 0)));
        int trunc = Libc.Open("/dev/null", Libc.O_WRONLY | Libc.O_TRUNC | Libc.O_CLOEXEC, 0);
        Print("open_trunc", ErrnoOf(trunc));
        int plain = Libc.Open("/dev/null", Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        Print("open_plain", ErrnoOf(plain));
        return 0;
    }

    // getgid → SCMP_ACT_KILL_PROCESS: the process dies of SIGSYS at the call.
    private static int KillProcess()
    {
        using var filter = SeccompFilter.Build(Make("SCMP_ACT_ALLOW", Rule("SCMP_ACT_KILL_PROCESS", "getgid")));
        NoNewPrivs();
        filter.Load();
        Print("loaded", "yes");
        Libc.GetGid();
        Print("survived", "yes");
        return 0;
    }

    // SECCOMP_FILTER_FLAG_TSYNC puts the filter on every thread; without it only the calling thread has it.
    private static int ThreadSync(bool tsync)
    {
        using var started = new ManualResetEventSlim();
        var worker = new Thread(() => { started.Set(); Thread.Sleep(Timeout.Infinite); }) { IsBackground = true };
        worker.Start();
        started.Wait();
        var spec = Make("SCMP_ACT_ALLOW", Errno(13, "mkdir"));
        if (tsync) spec.Flags = ["SECCOMP_FILTER_FLAG_TSYNC"];
        using var filter = SeccompFilter.Build(spec);
        NoNewPrivs();
        filter.Load();
        var tasks = Directory.GetDirectories("/proc/self/task");
        Print("threads", tasks.Length);
        Print("filtered", tasks.Count(t => Status("Seccomp", Path.Combine(t, "status")) == "2"));
        return 0;
    }

    // No no_new_privs and no CAP_SYS_ADMIN: the kernel refuses the filter.
    private static int Unprivileged()
    {
        using var filter = SeccompFilter.Build(Make("SCMP_ACT_ALLOW", Errno(13, "mkdir")));
        if (Libc.GetUid() == 0)
        {
            Libc.Check(Libc.SetResGid(65534, 65534, 65534), "setresgid");
            Libc.Check(Libc.SetResUid(65534, 65534, 65534), "setresuid");
        }
        filter.Load();
        Print("loaded", "yes");
        return 0;
    }
}
