using MyDocker.Runtime.State;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Hooks;

/// <summary>
/// Where each hook stage of config.md runs, and with which state (runtime.md "Lifecycle"):
///   prestart, createRuntime   create, runtime namespace, after mounts, before pivot_root  (CreateOperation)
///   createContainer           create, container namespaces, before pivot_root            (ContainerInit)
///   startContainer            start, inside the container, before the user program       (ContainerInit)
///   poststart                 start, runtime namespace, after the user program started   (StartOperation)
///   poststop                  delete, runtime namespace, after the container is gone     (DeleteOperation)
/// A failing hook of the first four stages fails the operation; poststart/poststop only warn.
/// </summary>
public static class LifecycleHooks
{
    /// <summary>True when init must stop before pivot_root for hooks (and needs the state for its own).</summary>
    public static bool InitTakesPart(Config config) => config.Hooks is { } h &&
        (h.Prestart is { Count: > 0 } || h.CreateRuntime is { Count: > 0 } ||
         h.CreateContainer is { Count: > 0 } || h.StartContainer is { Count: > 0 });

    public static string StateJson(ContainerRecord record, string status) => SpecJson.SerializeState(new Spec.Model.State
    {
        OciVersion = SpecVersion.Current,
        Id = record.Id,
        Status = status,
        Pid = record.Pid,
        Bundle = record.Bundle,
        Annotations = record.Annotations,
    });

    /// <summary>Runs a warn-only stage: every hook runs, failures become warnings.</summary>
    public static void RunWarnOnly(string stage, List<Hook>? hooks, string stateJson, Action<string> warn)
    {
        if (hooks == null) return;
        for (int i = 0; i < hooks.Count; i++)
        {
            try { HookRunner.Run($"hooks.{stage}[{i}]", hooks[i], stateJson); }
            catch (MyDockerException e) { warn(e.Message); }
        }
    }
}
