using MyDocker.Spec.Model;

namespace MyDocker.Spec.Validation;

/// <summary>config-linux.md "Seccomp": actions, architectures, flags, syscall rules.</summary>
internal static class SeccompRules
{
    private const string Path = "linux.seccomp";

    public static void Check(Seccomp seccomp, Problems problems)
    {
        problems.OneOf(seccomp.DefaultAction, KnownNames.SeccompActions, Path + ".defaultAction", "action");
        CheckErrno(seccomp.DefaultErrnoRet, seccomp.DefaultAction, Path + ".defaultErrnoRet", problems);
        foreach (var (arch, at, _) in problems.Each(seccomp.Architectures, Path + ".architectures"))
            problems.OneOf(arch, KnownNames.SeccompArchitectures, at, "architecture");
        foreach (var (flag, at, _) in problems.Each(seccomp.Flags, Path + ".flags"))
            problems.OneOf(flag, KnownNames.SeccompFlags, at, "flag");
        if (!string.IsNullOrEmpty(seccomp.ListenerMetadata) && string.IsNullOrEmpty(seccomp.ListenerPath))
            problems.Add(Path + ".listenerMetadata", "needs linux.seccomp.listenerPath");
        foreach (var (syscall, at, _) in problems.Each(seccomp.Syscalls, Path + ".syscalls"))
            CheckSyscall(syscall, at, problems);
    }

    // names: at least one, none empty; a known action; args: index 0..5 and a known operator.
    private static void CheckSyscall(SeccompSyscall syscall, string at, Problems problems)
    {
        if (syscall.Names.Count == 0) problems.Add(at + ".names", "must not be empty");
        foreach (var (name, nameAt, _) in problems.Each(syscall.Names, at + ".names"))
            problems.NotEmpty(name, nameAt);
        problems.OneOf(syscall.Action, KnownNames.SeccompActions, at + ".action", "action");
        CheckErrno(syscall.ErrnoRet, syscall.Action, at + ".errnoRet", problems);
        foreach (var (arg, argAt, _) in problems.Each(syscall.Args, at + ".args"))
        {
            if (arg.Index > 5) problems.Add(argAt + ".index", $"must be between 0 and 5, got {arg.Index}");
            problems.OneOf(arg.Op, KnownNames.SeccompOperators, argAt + ".op", "operator");
        }
    }

    // An errno only goes with the actions that return one.
    private static void CheckErrno(uint? errno, string action, string path, Problems problems)
    {
        if (errno is not null && KnownNames.SeccompActions.Contains(action) && !KnownNames.SeccompActionsWithErrno.Contains(action))
            problems.Add(path, $"is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not {action}");
    }
}
