using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Security;

/// <summary>
/// config.md "IO Priority": process.ioPriority becomes ioprio_set(IOPRIO_WHO_PROCESS, 0, value) on
/// init's main thread; the I/O context survives execve, so the user program runs with it.
/// </summary>
public static class IoPrioritySettings
{
    /// <summary>IOPRIO_CLASS_* numbers (include/uapi/linux/ioprio.h).</summary>
    public static readonly IReadOnlyDictionary<string, int> Classes = new Dictionary<string, int>
    {
        ["IOPRIO_CLASS_RT"] = 1, ["IOPRIO_CLASS_BE"] = 2, ["IOPRIO_CLASS_IDLE"] = 3,
    };

    /// <summary>IOPRIO_PRIO_VALUE(class, level): the class in bits 13-15, the level (0-7) below.</summary>
    public static int Value(IoPriority p)
    {
        if (!Classes.TryGetValue(p.Class, out int cls))
            throw new MyDockerException($"process.ioPriority.class: unknown class \"{p.Class}\"");
        if (p.Priority is < 0 or > 7)
            throw new MyDockerException($"process.ioPriority.priority: must be between 0 and 7, got {p.Priority}");
        return (cls << Libc.IOPRIO_CLASS_SHIFT) | p.Priority;
    }

    public static void Apply(IoPriority? p)
    {
        if (p is null) return;
        int value = Value(p);
        if (Libc.IoprioSet(Libc.IOPRIO_WHO_PROCESS, 0, value) == 0) return;
        int errno = Libc.LastErrno;
        string hint = errno == Libc.EPERM ? " (IOPRIO_CLASS_RT needs CAP_SYS_ADMIN)" : "";
        throw new MyDockerException($"process.ioPriority: ioprio_set {p.Class} {p.Priority}: {Libc.StrError(errno)}{hint}", errno);
    }
}
