using MyDocker.Spec.Model;

namespace MyDocker.SeccompTests;

/// <summary>Small linux.seccomp objects, written the way a config.json would have them.</summary>
public static class Profiles
{
    public static Seccomp Make(string defaultAction, params SeccompSyscall[] syscalls) =>
        new() { DefaultAction = defaultAction, Syscalls = syscalls.ToList() };

    public static SeccompSyscall Rule(string action, params string[] names) =>
        new() { Action = action, Names = names.ToList() };

    public static SeccompSyscall Errno(uint errno, params string[] names) =>
        new() { Action = "SCMP_ACT_ERRNO", ErrnoRet = errno, Names = names.ToList() };

    public static SeccompSyscall With(this SeccompSyscall s, uint index, string op, ulong value, ulong? valueTwo = null)
    {
        (s.Args ??= new()).Add(new SeccompArg { Index = index, Op = op, Value = value, ValueTwo = valueTwo });
        return s;
    }
}
