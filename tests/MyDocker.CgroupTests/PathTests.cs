using MyDocker.Runtime.Cgroups;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.CgroupTests;

/// <summary>linux.cgroupsPath (config-linux.md "Cgroups path") → the container's cgroup.</summary>
public sealed class PathTests
{
    [Theory]
    [InlineData(null, "/mydocker/c1", false)]
    [InlineData("", "/mydocker/c1", false)]
    [InlineData("/a/b", "/a/b", false)]
    [InlineData("/a//b/./c/", "/a/b/c", false)]
    [InlineData("/../../etc", "/etc", false)]
    [InlineData("a/b", "a/b", true)]
    [InlineData("../../x", "x", true)]                     // cannot climb above the runtime's cgroup
    [InlineData("system.slice:docker:abc", "/system.slice/docker-abc.scope", false)]
    [InlineData(":mydocker:abc", "/system.slice/mydocker-abc.scope", false)]
    [InlineData("machine-a-b.slice:libpod:x", "/machine.slice/machine-a.slice/machine-a-b.slice/libpod-x.scope", false)]
    [InlineData("-.slice:p:x", "/p-x.scope", false)]
    [InlineData("user.slice::x", "/user.slice/x.scope", false)]
    [InlineData("system.slice:p:sub.slice", "/system.slice/sub.slice", false)]
    public void Paths(string? cgroupsPath, string inner, bool relative)
    {
        var p = CgroupPath.Parse(cgroupsPath, "c1");
        Assert.Equal(inner, p.Inner);
        Assert.Equal(relative, p.IsRelative);
    }

    [Theory]
    [InlineData("/", "linux.cgroupsPath: \"/\" is the root of the hierarchy; the container needs a cgroup of its own")]
    [InlineData("..", "linux.cgroupsPath: \"..\" is the root of the hierarchy; the container needs a cgroup of its own")]
    [InlineData("a:b", "linux.cgroupsPath: \"a:b\": expected an absolute or relative path, or \"slice:prefix:name\" for a systemd scope")]
    [InlineData("foo:p:x", "linux.cgroupsPath: \"foo:p:x\": invalid slice name \"foo\" (it must end in \".slice\" and have no \"/\")")]
    [InlineData("a--b.slice:p:x", "linux.cgroupsPath: \"a--b.slice:p:x\": invalid slice name \"a--b.slice\" (empty component between dashes)")]
    [InlineData("system.slice:p:", "linux.cgroupsPath: \"system.slice:p:\": the name part must be non-empty and without \"/\"")]
    public void Bad_paths(string cgroupsPath, string message)
    {
        Assert.Equal(message, Assert.Throws<MyDockerException>(() => CgroupPath.Parse(cgroupsPath, "c1")).Message);
    }

    [Fact]
    public void A_systemd_path_with_systemd_as_init_warns()
    {
        var warnings = new List<string>();
        CgroupPath.Parse("system.slice:p:x", "c1", systemdIsInit: true, warnings.Add);
        Assert.Single(warnings);
        Assert.Contains("no systemd driver", warnings[0]);
    }

    [Fact]
    public void The_same_path_in_every_hierarchy()
    {
        using var fs = FakeCgroupFs.Hybrid();
        var m = CgroupManager.For("c1", new Linux { CgroupsPath = "system.slice:docker:c1" }, fs.Layout, fs);
        Assert.All(m.Paths, p => Assert.EndsWith("/system.slice/docker-c1.scope", p));
        Assert.Equal(fs.Layout.V1.Count + 1, m.Paths.Length);
    }
}
