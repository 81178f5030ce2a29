using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec;

namespace MyDocker.Runtime.Cgroups.V2;

/// <summary>
/// cgroup v2 freezer (cgroup-v2.rst "Core Interface Files": cgroup.freeze, and "frozen" in
/// cgroup.events): "1" freezes the cgroup and its descendants; the kernel sets "frozen 1" in
/// cgroup.events once every task has stopped, which Freeze waits for. It is part of the core, so it
/// works in any non-root v2 cgroup (on a hybrid host too).
/// </summary>
public sealed class FreezerController : IFreezer
{
    public const int TimeoutMs = 10_000;

    public void Freeze(string dir, CgroupFiles f)
    {
        f.Write(dir, "cgroup.freeze", "1", "pause");
        var start = Environment.TickCount64;
        for (int i = 0; !IsFrozen(dir, f); i++)
        {
            if (Environment.TickCount64 - start > TimeoutMs)
            {
                f.TryWrite(dir, "cgroup.freeze", "0");
                throw new MyDockerException($"pause: {dir}: cgroup.events did not show \"frozen 1\" within {TimeoutMs / 1000} s");
            }
            Thread.Sleep(i < 10 ? 1 : 10);
        }
    }

    public void Thaw(string dir, CgroupFiles f) => f.Write(dir, "cgroup.freeze", "0", "resume");

    public bool IsFrozen(string dir, CgroupFiles f) =>
        StatParse.KeyValues(f.Read(dir, "cgroup.events")).GetValueOrDefault("frozen") == 1;
}
