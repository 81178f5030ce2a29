using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>The harness must be able to fail: a container, a changed sentinel and an open pipe all show up in the diff.</summary>
[Collection("runtime")]
public sealed class HostSnapshotTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    [Fact]
    public void A_created_container_shows_as_processes_cgroups_and_state_and_its_delete_restores_the_host()
    {
        string id = "snap" + Guid.NewGuid().ToString("N")[..10];
        string bundle = rt.Bundle(["sleep", "1000"]);
        Directory.CreateDirectory(rt.Root);
        var watch = new HostWatch(id, bundle, rt.Root).Tree(rt.Root);
        var before = HostSnapshot.Take(watch);
        Assert.Equal(0, rt.Mydocker("create", "--bundle", bundle, id).ExitCode);

        var e = Assert.Throws<Xunit.Sdk.XunitException>(() => HostSnapshot.Take(watch).AssertSameAs(before));
        Assert.Contains("processes: + ", e.Message);
        Assert.Contains("mydocker init", e.Message);
        Assert.Contains($"cgroups: + /sys/fs/cgroup/pids:/mydocker/{id}", e.Message);
        Assert.Contains($"files: + {rt.Root}/{id}/state.json sha256:", e.Message);
        Assert.Contains($"files: + {rt.Root}/{id}/exec.fifo fifo", e.Message);

        Assert.Equal(0, rt.Mydocker("delete", "--force", id).ExitCode);
        HostSnapshot.AssertReturnsTo(before);
    }

    [Fact]
    public void A_changed_sentinel_and_an_open_pipe_show_up()
    {
        string dir = Directory.CreateTempSubdirectory("mydocker-snap-").FullName;
        try
        {
            string sentinel = Path.Combine(dir, "sentinel");
            File.WriteAllText(sentinel, "one");
            var watch = new HostWatch(dir).File(sentinel);
            var before = HostSnapshot.Take(watch);
            HostSnapshot.Take(watch).AssertSameAs(before);

            File.WriteAllText(sentinel, "two");
            using (var pipe = new System.IO.Pipes.AnonymousPipeServerStream())
            {
                var diff = HostSnapshot.Take(watch).DiffFrom(before);
                Assert.Contains(diff, d => d.StartsWith($"files: - {sentinel} sha256:", StringComparison.Ordinal));
                Assert.Contains(diff, d => d.StartsWith($"files: + {sentinel} sha256:", StringComparison.Ordinal));
                Assert.Contains(diff, d => d.StartsWith("fds: + pipe:[", StringComparison.Ordinal));
            }
            File.Delete(sentinel);
            Assert.Contains($"files: + {sentinel} missing", HostSnapshot.Take(watch).DiffFrom(before));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
