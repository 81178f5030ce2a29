using MyDocker.Spec;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 freezer (Documentation/admin-guide/cgroup-v1/freezer-subsystem.rst) for runtime.md-style
/// pause/resume: freezer.state takes FROZEN / THAWED, and reads FREEZING until every task stopped.
/// Freeze waits until it reads FROZEN. A cgroup can stay in FREEZING when a task is stuck in the
/// kernel; like runc we then write THAWED and FROZEN again now and then, and give up after a while
/// (thawing back, so the container is not left half frozen).
/// </summary>
public sealed class FreezerController : IFreezer
{
    public const int TimeoutMs = 10_000;

    public void Freeze(string dir, CgroupFiles f)
    {
        var start = Environment.TickCount64;
        for (int i = 0; ; i++)
        {
            // runc: every 25th try, thaw first (a lost wakeup in old kernels leaves FREEZING for ever).
            if (i % 25 == 24) f.Write(dir, "freezer.state", "THAWED", "pause");
            f.Write(dir, "freezer.state", "FROZEN", "pause");
            string? state = f.Read(dir, "freezer.state")?.Trim();
            if (state == "FROZEN") return;
            if (Environment.TickCount64 - start > TimeoutMs)
            {
                f.TryWrite(dir, "freezer.state", "THAWED");
                throw new MyDockerException($"pause: {dir}: the freezer did not reach FROZEN within {TimeoutMs / 1000} s (state {state ?? "unreadable"})");
            }
            Thread.Sleep(i < 10 ? 1 : 10);
        }
    }

    public void Thaw(string dir, CgroupFiles f) => f.Write(dir, "freezer.state", "THAWED", "resume");

    public bool IsFrozen(string dir, CgroupFiles f) => f.Read(dir, "freezer.state")?.Trim() == "FROZEN";
}
