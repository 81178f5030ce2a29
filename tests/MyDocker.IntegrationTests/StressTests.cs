using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// The threading trap (docs/ARCHITECTURE.md): cloning from a .NET process must never hang.
/// Hundreds of sequential cycles and a burst of concurrent ones; every one must complete.
/// </summary>
[Collection("runtime")]
public sealed class StressTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    private void Cycle(string bundle, string id)
    {
        var c = rt.Mydocker("create", "--bundle", bundle, id);
        Assert.True(c.ExitCode == 0, $"create {id}: {c}");
        var s = rt.Mydocker("start", id);
        Assert.True(s.ExitCode == 0, $"start {id}: {s}");
        var d = rt.Mydocker("delete", "--force", id);
        Assert.True(d.ExitCode == 0, $"delete {id}: {d}");
    }

    [Fact]
    public void Three_hundred_sequential_create_start_delete_cycles()
    {
        string bundle = rt.Bundle(["sleep", "10"]);
        for (int i = 0; i < 300; i++) Cycle(bundle, $"seq{i}");
        Assert.Empty(rt.ContainerDirs());
    }

    [Fact]
    public void Twenty_concurrent_create_start_delete_cycles()
    {
        string bundle = rt.Bundle(["sleep", "10"]);
        var errors = new List<string>();
        Parallel.For(0, 20, new ParallelOptions { MaxDegreeOfParallelism = 20 }, i =>
        {
            try { Cycle(bundle, $"par{i}"); }
            catch (Exception e) { lock (errors) errors.Add(e.Message); }
        });
        Assert.Empty(errors);
        Assert.Empty(rt.ContainerDirs());
    }
}
