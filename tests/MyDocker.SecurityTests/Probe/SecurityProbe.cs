using MyDocker.Runtime.Init;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Security;
using MyDocker.Spec;
using MyDocker.Spec.Model;
using SpecProcess = MyDocker.Spec.Model.Process;

namespace MyDocker.SecurityTests.Probe;

/// <summary>
/// Plays the container's init for one scenario, in the order ContainerInit uses:
/// BeforeIdentity, ProcessIdentity.Apply, AfterIdentity, the rlimits of FinalExec's last step — then
/// prints ("key=value") what the kernel reports for the calling thread. A failure prints
/// "error=&lt;message&gt;" and exits 1.
/// Everything runs on the probe's main thread, like init.
/// </summary>
public static unsafe class SecurityProbe
{
    public const string Kill = "CAP_KILL", NetBind = "CAP_NET_BIND_SERVICE", AuditWrite = "CAP_AUDIT_WRITE";

    private sealed record Scenario(Config Config, Action Report);

    public static int Run(string name)
    {
        var s = Get(name);
        Console.WriteLine("step=start");
        _ = File.ReadAllLines("/proc/thread-self/status"); // load what the report needs while still root
        try
        {
            ProcessSecurity.BeforeIdentity(s.Config);
            ProcessIdentity.Apply(s.Config.Process!.User);
            ProcessSecurity.AfterIdentity(s.Config);
            using var rlimits = new RlimitPlan(s.Config.Process.Rlimits);
            if (rlimits.TrySetAll(out byte* what) is int errno and not 0)
                throw new MyDockerException(System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)what) + Libc.StrError(errno));
        }
        catch (MyDockerException e)
        {
            Console.WriteLine($"error={e.Message}");
            return 1;
        }
        s.Report();
        return 0;
    }

    private static Config Config(Action<SpecProcess> edit, Personality? personality = null)
    {
        var p = new SpecProcess { Args = ["true"], Cwd = "/", User = new User() };
        edit(p);
        return new Config { OciVersion = "1.2.0", Process = p, Linux = new Linux { Personality = personality } };
    }

    private static Scenario Get(string name) => name switch
    {
        // The runc default set, as root: bounding = effective = permitted.
        "caps-root" => new(Config(p =>
        {
            p.Capabilities = new Capabilities { Bounding = [Kill, NetBind, AuditWrite], Effective = [Kill, NetBind, AuditWrite], Permitted = [Kill, NetBind, AuditWrite] };
            p.NoNewPrivileges = true;
        }), Status),
        // A non-root user keeps CAP_NET_BIND_SERVICE through the uid change and as an ambient capability.
        "caps-user" => new(Config(p =>
        {
            p.User = new User { Uid = 1000, Gid = 1000 };
            p.Capabilities = new Capabilities { Bounding = [Kill, NetBind, AuditWrite], Effective = [NetBind], Permitted = [NetBind], Inheritable = [NetBind], Ambient = [NetBind] };
        }), Status),
        // No capabilities object: nothing is changed; the plain setuid away from root drops the sets.
        "caps-none" => new(Config(p => p.User = new User { Uid = 1000, Gid = 1000 }), Status),
        // An empty object: every set empty, the bounding set too.
        "caps-empty" => new(Config(p => p.Capabilities = new Capabilities()), Status),
        "rlimit" => new(Config(p => p.Rlimits = [new Rlimit { Type = "RLIMIT_NOFILE", Soft = 1024, Hard = 2048 }, new Rlimit { Type = "RLIMIT_CORE", Soft = 0, Hard = 0 }]),
            () => Limits("Max open files", "Max core file size")),
        "rlimit-over" => new(Config(p => p.Rlimits = [new Rlimit { Type = "RLIMIT_NOFILE", Soft = 1048576, Hard = 1048576 }]), () => Limits("Max open files")),
        // Lowered after the uid change, by a user without capabilities: that needs no privilege.
        "rlimit-user" => new(Config(p =>
        {
            p.User = new User { Uid = 1000, Gid = 1000 };
            p.Capabilities = new Capabilities();
            p.Rlimits = [new Rlimit { Type = "RLIMIT_NOFILE", Soft = 100, Hard = 200 }, new Rlimit { Type = "RLIMIT_AS", Soft = 1L << 40, Hard = 1L << 40 }];
        }), () => { Limits("Max open files", "Max address space"); Status(); }),
        "sched" => new(Config(p => p.Scheduler = new Scheduler { Policy = "SCHED_BATCH", Nice = 5 }), Sched),
        "sched-idle" => new(Config(p => p.Scheduler = new Scheduler { Policy = "SCHED_IDLE" }), Sched),
        "ioprio" => new(Config(p => p.IoPriority = new IoPriority { Class = "IOPRIO_CLASS_BE", Priority = 6 }), IoPrio),
        "ioprio-idle" => new(Config(p => p.IoPriority = new IoPriority { Class = "IOPRIO_CLASS_IDLE", Priority = 0 }), IoPrio),
        "personality" => new(Config(_ => { }, new Personality { Domain = "LINUX32" }), PersonalityReport),
        "oom" => new(Config(p => p.OomScoreAdj = 500), () => Console.WriteLine($"oom_score_adj={File.ReadAllText("/proc/self/oom_score_adj").Trim()}")),
        _ => throw new ArgumentException($"no scenario {name}"),
    };

    private static void Status()
    {
        foreach (string line in File.ReadAllLines("/proc/thread-self/status"))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon];
            if (key is "CapInh" or "CapPrm" or "CapEff" or "CapBnd" or "CapAmb" or "NoNewPrivs" or "Uid")
                Console.WriteLine($"{key}={line[(colon + 1)..].Trim().Split('\t')[0]}");
        }
    }

    private static void Limits(params string[] names)
    {
        foreach (string line in File.ReadAllLines("/proc/self/limits"))
            foreach (string n in names)
                if (line.StartsWith(n))
                {
                    var f = line[n.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    Console.WriteLine($"{n.Replace(' ', '_')}={f[0]}/{f[1]}");
                }
    }

    private static void Sched()
    {
        Libc.SchedAttr a;
        if (Libc.SchedGetattr(0, &a, (uint)sizeof(Libc.SchedAttr), 0) < 0) throw Libc.Fail("sched_getattr");
        Console.WriteLine($"policy={a.Policy}");
        Console.WriteLine($"nice={a.Nice}");
    }

    private static void IoPrio()
    {
        int v = Libc.IoprioGet(Libc.IOPRIO_WHO_PROCESS, 0);
        Console.WriteLine($"ioprio_class={v >> Libc.IOPRIO_CLASS_SHIFT}");
        Console.WriteLine($"ioprio_level={v & 7}");
    }

    private static void PersonalityReport()
    {
        Console.WriteLine($"personality=0x{Libc.Personality(Libc.PERSONALITY_QUERY):x}");
        // A child inherits the execution domain across fork and execve.
        var psi = new System.Diagnostics.ProcessStartInfo("uname", "-m") { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = System.Diagnostics.Process.Start(psi)!;
        Console.WriteLine($"uname_m={p.StandardOutput.ReadToEnd().Trim()}");
        p.WaitForExit();
    }
}
