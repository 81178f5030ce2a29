using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// A container without a mount namespace mounts in the host's (HostNamespaceMounts). delete and a
/// failed create must unmount what the container mounted and nothing else: a mount that was under
/// its rootfs before create belongs to the host and stays.
/// </summary>
[Collection("runtime")]
public sealed class HostMountCleanupTests : IDisposable
{
    private readonly TestRuntime rt;
    private readonly string _dir;
    private readonly string _rootfs;
    private readonly string _hostMount;

    public HostMountCleanupTests(RuntimeFixture fx)
    {
        rt = new TestRuntime(fx);
        // A rootfs of its own: the host-namespace mounts of this test must not meet other tests' containers.
        _dir = Directory.CreateTempSubdirectory("mydocker-hostmnt-").FullName;
        _rootfs = Path.Combine(_dir, "rootfs");
        var made = Exec.Run(Path.Combine(fx.RepoRoot, "scripts", "make-rootfs.sh"), [_rootfs], timeoutMs: 60_000);
        Assert.True(made.ExitCode == 0, made.ToString());
        // The host's own mount under the rootfs, made before any container exists.
        _hostMount = Path.Combine(_rootfs, "mnt", "hostdata");
        Directory.CreateDirectory(_hostMount);
        var m = Exec.Run("mount", ["-t", "tmpfs", "-o", "size=1m", "mydocker-test-hostdata", _hostMount]);
        Assert.True(m.ExitCode == 0, m.ToString());
        File.WriteAllText(Path.Combine(_hostMount, "keep"), "host data");
    }

    public void Dispose()
    {
        rt.Dispose();
        foreach (var mp in MountPointsUnder(_rootfs).OrderByDescending(p => p.Length))
            Exec.Run("umount", ["-l", mp]);
        Directory.Delete(_dir, recursive: true);
    }

    private static List<string> MountPointsUnder(string root) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(mp => mp == root || mp.StartsWith(root + "/", StringComparison.Ordinal)).ToList();

    private string Bundle(string[] args, Action<JsonObject>? edit = null) => rt.Bundle(args, c =>
    {
        c["linux"]!["namespaces"] = new JsonArray(); // every namespace inherited: mounts land in the host's
        c.Remove("hostname");
        c["root"]!["path"] = _rootfs;
        edit?.Invoke(c);
    });

    private void AssertHostMountIntact()
    {
        Assert.Equal([_hostMount], MountPointsUnder(_rootfs));
        Assert.Equal("host data", File.ReadAllText(Path.Combine(_hostMount, "keep")));
    }

    [Fact]
    public void Delete_unmounts_the_containers_mounts_and_keeps_the_hosts()
    {
        Assert.Equal(0, rt.Mydocker("run", "-d", "--bundle", Bundle(["sleep", "60"]), "hostmnt").ExitCode);
        var during = MountPointsUnder(_rootfs);
        Assert.Contains(_rootfs + "/proc", during);      // the container's own mounts are in the host's table
        Assert.Contains(_hostMount, during);

        var d = rt.Mydocker("delete", "--force", "hostmnt");
        Assert.True(d.ExitCode == 0, d.ToString());
        AssertHostMountIntact();
    }

    [Fact]
    public void A_failed_create_unmounts_only_what_it_mounted()
    {
        string bundle = Bundle(["true"], c => c["mounts"]!.AsArray().Add(new JsonObject
        {
            ["destination"] = "/opt/missing",
            ["type"] = "bind",
            ["source"] = "/nonexistent-mydocker-source",
            ["options"] = new JsonArray("bind"),
        }));
        var r = rt.Mydocker("create", "--bundle", bundle, "hostfail");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("/nonexistent-mydocker-source", r.Stderr);
        Assert.Empty(rt.ContainerDirs());
        AssertHostMountIntact();
    }
}
