using System.Diagnostics;
using MyDocker.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace MyDocker.FaultTests;

/// <summary>
/// Issue 9, point 5: SOAK_CYCLES (default 1000) cycles of create → start → exec `true` → kill →
/// delete must leave the host exactly as before: the same mountinfo, no cgroup, state dir, process
/// or zombie of ours, and no fd more in this process. Checked from /proc and /sys by HostSnapshot.
/// </summary>
[Collection("runtime")]
public sealed class SoakTests(RuntimeFixture fx, ITestOutputHelper output) : IDisposable
{
    private readonly ContainerSteps steps = new(fx);
    public void Dispose() => steps.Dispose();

    public static int Cycles => int.TryParse(Environment.GetEnvironmentVariable("SOAK_CYCLES"), out int n) && n > 0 ? n : 1000;

    [Fact]
    public void Create_start_exec_kill_delete_cycles_leak_nothing()
    {
        string bundle = steps.Bundle(["sleep", "1000"]);
        // The baseline comes before any container (so the last one's zombie, not yet reaped by its
        // parent, is not in it), but after one Process.Start: the test host opens some fds lazily.
        Assert.Equal(0, steps.Mydocker("list", "-q").ExitCode);
        var before = HostSnapshot.Take(steps.Watch);

        int cycles = Cycles;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < cycles; i++) steps.Cycle(bundle, steps.NewId());
        clock.Stop();

        string timing = $"soak: {cycles} cycles of create/start/exec/kill/delete in {clock.Elapsed.TotalSeconds:F1} s ({clock.Elapsed.TotalMilliseconds / cycles:F0} ms per cycle)";
        output.WriteLine(timing);
        HostSnapshot.AssertReturnsTo(before, timeoutMs: 10_000, what: $"after {cycles} cycles");
        Assert.DoesNotContain(Directory.GetFileSystemEntries(steps.Root), e => Path.GetFileName(e) != "@seccomp-cache"); // the compiled-seccomp cache stays on purpose
    }
}
