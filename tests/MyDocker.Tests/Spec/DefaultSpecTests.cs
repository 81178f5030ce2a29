using MyDocker.Spec;
using MyDocker.Spec.Model;
using MyDocker.Spec.Validation;
using MyDocker.Tests.Support;

namespace MyDocker.Tests.Spec;

/// <summary>DefaultSpec: what `mydocker spec` writes, i.e. `runc spec` with hostname "mydocker".</summary>
public class DefaultSpecTests
{
    [Fact]
    public void RootfulMatchesGolden() =>
        Golden.Matches("default-spec.json", SpecJson.SerializeConfig(DefaultSpec.Create(rootless: false)));

    [Fact]
    public void RootlessMatchesGolden() =>
        Golden.Matches("default-spec-rootless.json", SpecJson.SerializeConfig(DefaultSpec.Create(rootless: true, uid: 1000, gid: 1001)));

    [Fact]
    public void BothAreValidForCreate()
    {
        ConfigValidator.ValidateForCreate(DefaultSpec.Create(false));
        ConfigValidator.ValidateForCreate(DefaultSpec.Create(true, 1000, 1000));
        // And survive a trip through config.json.
        ConfigLoader.Parse(SpecJson.SerializeConfig(DefaultSpec.Create(true, 1000, 1000)));
    }

    [Fact]
    public void RootfulBasics()
    {
        var config = DefaultSpec.Create(false);
        Assert.Equal(SpecVersion.Current, config.OciVersion);
        Assert.Equal("mydocker", config.Hostname);
        Assert.Equal(["sh"], config.Process!.Args!);
        Assert.True(config.Process.Terminal);
        Assert.Equal(["pid", "network", "ipc", "uts", "mount", "cgroup"], config.Linux!.Namespaces!.Select(n => n.Type));
        Assert.Null(config.Linux.UidMappings);
        Assert.Contains("gid=5", config.Mounts!.Single(m => m.Destination == "/dev/pts").Options!);
        Assert.Equal("sysfs", config.Mounts!.Single(m => m.Destination == "/sys").Type);
    }

    [Fact]
    public void RootlessDiffers()
    {
        var config = DefaultSpec.Create(true, uid: 1000, gid: 1001);
        var linux = config.Linux!;
        Assert.Equal(["pid", "ipc", "uts", "mount", "cgroup", "user"], linux.Namespaces!.Select(n => n.Type));
        Assert.Equal((0u, 1000u, 1u), (linux.UidMappings![0].ContainerID, linux.UidMappings[0].HostID, linux.UidMappings[0].Size));
        Assert.Equal((0u, 1001u, 1u), (linux.GidMappings![0].ContainerID, linux.GidMappings[0].HostID, linux.GidMappings[0].Size));
        Assert.Null(linux.Resources);
        var sys = config.Mounts!.Single(m => m.Destination == "/sys");
        Assert.Equal(("none", "/sys"), (sys.Type, sys.Source));
        Assert.Equal(["rbind", "nosuid", "noexec", "nodev", "ro"], sys.Options!);
        Assert.DoesNotContain(config.Mounts!.SelectMany(m => m.Options ?? []), o => o.StartsWith("gid=") || o.StartsWith("uid="));
        Assert.Equal(7, config.Mounts!.Count);
    }

    [Fact]
    public void EachCallIsANewObject()
    {
        var a = DefaultSpec.Create(false);
        a.Process!.Capabilities!.Bounding!.Add("CAP_SYS_ADMIN");
        a.Mounts![2].Options!.Clear();
        var b = DefaultSpec.Create(false);
        Assert.Equal(3, b.Process!.Capabilities!.Bounding!.Count);
        Assert.Equal(3, b.Process.Capabilities.Effective!.Count);
        Assert.Equal(6, b.Mounts![2].Options!.Count);
    }
}
