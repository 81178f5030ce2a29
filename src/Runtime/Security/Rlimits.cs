using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Validation;
using SpecRlimit = MyDocker.Spec.Model.Rlimit;

namespace MyDocker.Runtime.Security;

/// <summary>
/// config.md "POSIX process" rlimits, set on the init process, whose limits the user program inherits
/// through execve. They are set at init's very last step, right before execve (FinalExec, with an
/// <see cref="RlimitPlan"/>), because init's own .NET runtime cannot live under them: it already maps
/// gigabytes of address space, so under an RLIMIT_AS of a few GiB no new mapping (malloc, the GC) is
/// possible any more. Before "ready", <see cref="Prepare"/> does what can fail:
///  - a hard limit above the current one is raised then, as root, before process.user and
///    process.capabilities can take CAP_SYS_RESOURCE away; the last step then only lowers limits,
///    which needs no privilege. Without CAP_SYS_RESOURCE (in the initial user namespace) the kernel
///    says EPERM, and that is the error reported (runc does the same: the spec wants an error when a
///    limit cannot be set);
///  - an RLIMIT_AS or RLIMIT_DATA too small for execve to map the program is refused
///    (<see cref="ExecFootprint"/>).
/// runc sets the rlimits from its parent process with prlimit(2) on init's pid, before init's last
/// steps; its Go init survives that, .NET does not.
/// </summary>
public static unsafe class Rlimits
{
    /// <summary>The resource number of an RLIMIT_* name (RLIMIT_NOFILE = 7 on x86-64 and arm64), or -1.</summary>
    public static int Resource(string type)
    {
        var names = KnownNames.Rlimits;
        for (int i = 0; i < names.Count; i++)
            if (names[i] == type) return i;
        return -1;
    }

    /// <summary>A limit as it appears in messages: the number, or "unlimited" for RLIM_INFINITY.</summary>
    public static string Format(ulong value) => value == Libc.RLIM_INFINITY ? "unlimited" : value.ToString();

    /// <summary>"process.rlimits[2]: setrlimit RLIMIT_AS 4096/4096": how a failure to set the limit begins.</summary>
    public static string What(int index, SpecRlimit r) => $"process.rlimits[{index}]: setrlimit {r.Type} {Format(r.Soft)}/{Format(r.Hard)}";

    /// <summary>
    /// Before "ready", as root: checks every entry, raises the hard limits that must go up, and, given
    /// the program that will be exec'd, refuses memory limits it cannot be exec'd under. The first
    /// problem throws.
    /// </summary>
    public static void Prepare(List<SpecRlimit>? rlimits, string? executable = null)
    {
        if (rlimits is null) return;
        for (int i = 0; i < rlimits.Count; i++)
        {
            var r = rlimits[i];
            int resource = Resource(r.Type);
            if (resource < 0)
                throw new MyDockerException($"process.rlimits[{i}].type: unknown rlimit \"{r.Type}\"");
            Libc.RLimit current;
            if (Libc.Prlimit(0, resource, null, &current) < 0) throw Libc.Fail($"{What(i, r)}: getrlimit");
            if (r.Hard <= current.Max) continue;
            var raised = new Libc.RLimit { Cur = current.Cur, Max = r.Hard };
            if (Libc.Prlimit(0, resource, &raised, null) == 0) continue;

            int errno = Libc.LastErrno;
            string message = $"{What(i, r)}: {Libc.StrError(errno)}";
            if (errno == Libc.EPERM)
                message += $" (the hard limit here is {Format(current.Max)}; raising it needs CAP_SYS_RESOURCE)";
            throw new MyDockerException(message, errno);
        }
        if (executable != null) CheckExecFits(rlimits, executable);
    }

    /// <summary>RLIMIT_AS against everything execve maps, RLIMIT_DATA against the writable part (mm/mmap.c may_expand_vm).</summary>
    private static void CheckExecFits(List<SpecRlimit> rlimits, string executable)
    {
        int asAt = rlimits.FindIndex(r => r.Type == "RLIMIT_AS"), dataAt = rlimits.FindIndex(r => r.Type == "RLIMIT_DATA");
        if (asAt < 0 && dataAt < 0) return;
        int stackAt = rlimits.FindIndex(r => r.Type == "RLIMIT_STACK");
        Libc.RLimit stack = new() { Cur = ExecFootprint.StackGrowth };
        if (stackAt >= 0) stack.Cur = rlimits[stackAt].Soft;
        else Libc.Prlimit(0, Resource("RLIMIT_STACK"), null, &stack);

        var need = ExecFootprint.Of(executable, stack.Cur);
        if (asAt >= 0 && rlimits[asAt].Soft < need.Total)
            throw TooSmall(asAt, rlimits[asAt], executable, $"execve maps at least {need.Total} bytes for it");
        if (dataAt >= 0 && rlimits[dataAt].Soft < need.Writable)
            throw TooSmall(dataAt, rlimits[dataAt], executable, $"its writable segments take {need.Writable} bytes");
    }

    private static MyDockerException TooSmall(int index, SpecRlimit r, string executable, string why) =>
        new($"process.rlimits[{index}]: {r.Type} {r.Soft} is too small to exec {executable}: {why} " +
            "(past execve's point of no return, the kernel would kill the process with SIGSEGV)");
}
