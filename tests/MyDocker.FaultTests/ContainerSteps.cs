using MyDocker.IntegrationTests.Harness;

namespace MyDocker.FaultTests;

/// <summary>
/// The steps of a container's life, each checked, for soak and fault-injection tests: one state root,
/// container IDs that all start with one unique prefix, and a <see cref="Watch"/> that covers them
/// (the prefix, the bundles, the state root) for <see cref="HostSnapshot"/>.
/// </summary>
public sealed class ContainerSteps : IDisposable
{
    private readonly TestRuntime _rt;
    private int _next;

    public string Prefix { get; } = "f" + Guid.NewGuid().ToString("N")[..10];
    public string Root => _rt.Root;
    public HostWatch Watch { get; }

    public ContainerSteps(RuntimeFixture fx)
    {
        _rt = new TestRuntime(fx);
        Directory.CreateDirectory(Root);
        Watch = new HostWatch(Prefix, Root, fx.Rootfs).Tree(Root);
    }

    public string NewId() => $"{Prefix}-{_next++}";

    /// <summary>A bundle (see <see cref="TestRuntime.Bundle"/>); its path becomes a marker of the watch.</summary>
    public string Bundle(string[] args, Action<System.Text.Json.Nodes.JsonObject>? edit = null)
    {
        string bundle = _rt.Bundle(args, edit);
        Watch.Mark(bundle);
        return bundle;
    }

    public ExecResult Mydocker(params string[] args) => _rt.Mydocker(args);

    /// <summary>Runs a verb that must succeed.</summary>
    public ExecResult Must(params string[] args)
    {
        var r = _rt.Mydocker(args);
        if (r.ExitCode != 0) throw new Xunit.Sdk.XunitException($"mydocker {string.Join(' ', args)}: {r}");
        return r;
    }

    /// <summary>The pid of the container's init as its state.json records it, with the process's start time.</summary>
    public (int Pid, ulong StartTime) Init(string id)
    {
        string text = File.ReadAllText(Path.Combine(Root, id, "state.json"));
        var state = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        return (state["pid"]!.GetValue<int>(), state["pidStartTime"]!.GetValue<ulong>());
    }

    /// <summary>Waits until that process is gone or a zombie (its parent reaps it when it likes): the container is then stopped.</summary>
    public static void WaitExited((int Pid, ulong StartTime) p, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (HostSnapshot.Stat(p.Pid) is { State: not ('Z' or 'X') } st && st.StartTime == p.StartTime)
        {
            if (Environment.TickCount64 > deadline) throw new TimeoutException($"process {p.Pid} still alive after {timeoutMs} ms");
            Thread.Sleep(5);
        }
    }

    /// <summary>create → start → exec `true` → kill KILL → (exited) → delete: the soak's cycle.</summary>
    public void Cycle(string bundle, string id)
    {
        Must("create", "--bundle", bundle, id);
        var init = Init(id);
        Must("start", id);
        Must("exec", id, "true");
        Must("kill", id, "KILL");
        WaitExited(init);
        Must("delete", id);
    }

    public void Dispose() => _rt.Dispose();
}
