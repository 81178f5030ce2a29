using MyDocker.Spec.Model;

namespace MyDocker.Spec.Validation;

/// <summary>config.md "POSIX-platform Hooks".</summary>
internal static class HookRules
{
    public static void Check(Hooks? hooks, Problems problems)
    {
        if (hooks is null) return;
        CheckList(hooks.Prestart, "hooks.prestart", problems);
        CheckList(hooks.CreateRuntime, "hooks.createRuntime", problems);
        CheckList(hooks.CreateContainer, "hooks.createContainer", problems);
        CheckList(hooks.StartContainer, "hooks.startContainer", problems);
        CheckList(hooks.Poststart, "hooks.poststart", problems);
        CheckList(hooks.Poststop, "hooks.poststop", problems);
    }

    // path absolute; timeout, when set, greater than zero; env entries KEY=value.
    private static void CheckList(List<Hook>? hooks, string path, Problems problems)
    {
        foreach (var (hook, at, _) in problems.Each(hooks, path))
        {
            problems.AbsolutePath(hook.Path, at + ".path");
            if (hook.Timeout is <= 0)
                problems.Add(at + ".timeout", $"must be greater than 0, got {hook.Timeout}");
            problems.Environment(hook.Env, at + ".env");
        }
    }
}
