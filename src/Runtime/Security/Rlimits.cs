using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Validation;
using SpecRlimit = MyDocker.Spec.Model.Rlimit;

namespace MyDocker.Runtime.Security;

/// <summary>
/// config.md "POSIX process" rlimits: each entry is set with prlimit(2) on the init process, whose
/// limits the user program inherits through execve. Raising a hard limit above the current one needs
/// CAP_SYS_RESOURCE in the initial user namespace; without it the kernel says EPERM, and that is the
/// error reported (runc does the same: the spec wants an error when a limit cannot be set).
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

    /// <summary>Sets every limit of the list on the calling process, in order; the first failure throws.</summary>
    public static void Apply(List<SpecRlimit>? rlimits)
    {
        if (rlimits is null) return;
        for (int i = 0; i < rlimits.Count; i++)
        {
            var r = rlimits[i];
            int resource = Resource(r.Type);
            if (resource < 0)
                throw new MyDockerException($"process.rlimits[{i}].type: unknown rlimit \"{r.Type}\"");
            var limit = new Libc.RLimit { Cur = r.Soft, Max = r.Hard };
            if (Libc.Prlimit(0, resource, &limit, null) == 0) continue;

            int errno = Libc.LastErrno;
            string message = $"process.rlimits[{i}]: setrlimit {r.Type} {Format(r.Soft)}/{Format(r.Hard)}: {Libc.StrError(errno)}";
            Libc.RLimit current;
            if (errno == Libc.EPERM && Libc.Prlimit(0, resource, null, &current) == 0 && r.Hard > current.Max)
                message += $" (the hard limit here is {Format(current.Max)}; raising it needs CAP_SYS_RESOURCE)";
            throw new MyDockerException(message, errno);
        }
    }
}
