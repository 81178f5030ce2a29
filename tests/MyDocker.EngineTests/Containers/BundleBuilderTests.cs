using MyDocker.Engine.Api;
using MyDocker.Engine.Api.Models;
using MyDocker.Engine.Containers;
using MyDocker.Runtime.Network;

namespace MyDocker.EngineTests.Containers;

/// <summary>Containers/BundleBuilder: what a create request and an image's config become in config.json.</summary>
public class BundleBuilderTests
{
    private static BundleBuilder.Input Input(ContainerConfigBody req, ImageDefaults? image = null, UserNamespaceMap? userNs = null, string net = "none", List<PortMapping>? ports = null) =>
        new("abc123", "abc123", req, image ?? ImageDefaults.None, "/data/c/rootfs", "/data/c", userNs, net, ports ?? [], "/usr/local/bin/mydocker",
            _ => (0, 0, []));

    [Fact]
    public void Entrypoint_and_cmd_follow_dockers_rules()
    {
        var image = new ImageDefaults(null, ["sh"], ["/entry"], null, null);
        Assert.Equal(["/entry", "sh"], BundleBuilder.Args(new ContainerConfigBody(), image));
        Assert.Equal(["/entry", "echo", "hi"], BundleBuilder.Args(new ContainerConfigBody { Cmd = ["echo", "hi"] }, image));
        Assert.Equal(["/other"], BundleBuilder.Args(new ContainerConfigBody { Entrypoint = ["/other"] }, image)); // a new entrypoint drops the image's Cmd
        Assert.Equal(["ls"], BundleBuilder.Args(new ContainerConfigBody { Entrypoint = [""], Cmd = ["ls"] }, image));
        var e = Assert.Throws<ApiException>(() => BundleBuilder.Args(new ContainerConfigBody(), ImageDefaults.None));
        Assert.Equal(400, e.Status);
    }

    [Fact]
    public void Env_is_the_images_then_the_requests_with_path_hostname_and_term()
    {
        var image = new ImageDefaults(["A=image", "B=image"], null, null, null, null);
        var env = BundleBuilder.Env(new ContainerConfigBody { Env = ["B=request", "C=request"], Tty = true }, image, "h1");
        Assert.Equal(["PATH=" + BundleBuilder.DefaultPath, "HOSTNAME=h1", "A=image", "B=request", "C=request", "TERM=xterm"], env);
    }

    [Fact]
    public void Limits_become_linux_resources()
    {
        var config = BundleBuilder.Build(Input(new ContainerConfigBody
        {
            Cmd = ["true"],
            HostConfig = new HostConfigBody { Memory = 100 << 20, NanoCpus = 500_000_000, PidsLimit = 50 },
        }));
        var r = config.Linux!.Resources!;
        Assert.Equal(100L << 20, r.Memory!.Limit);
        Assert.Equal(100L << 20, r.Memory.Swap);
        Assert.Equal(50_000, r.Cpu!.Quota);
        Assert.Equal(100_000UL, r.Cpu.Period);
        Assert.Equal(50, r.Pids!.Limit);
        Assert.Equal("/mydocker/abc123", config.Linux.CgroupsPath);
    }

    [Fact]
    public void A_user_namespace_maps_root_and_drops_the_cgroup_mount()
    {
        var config = BundleBuilder.Build(Input(new ContainerConfigBody { Cmd = ["true"] }, userNs: new UserNamespaceMap(100000, 65536)));
        Assert.Contains(config.Linux!.Namespaces!, n => n.Type == "user");
        Assert.Equal(100000u, config.Linux.UidMappings![0].HostID);
        Assert.Equal(65536u, config.Linux.GidMappings![0].Size);
        Assert.DoesNotContain(config.Mounts!, m => m.Destination == "/sys/fs/cgroup");
        var plain = BundleBuilder.Build(Input(new ContainerConfigBody { Cmd = ["true"] }));
        Assert.DoesNotContain(plain.Linux!.Namespaces!, n => n.Type == "user");
        Assert.Contains(plain.Mounts!, m => m.Destination == "/sys/fs/cgroup");
    }

    [Fact]
    public void Slirp4netns_adds_the_hook_with_the_published_ports_and_host_drops_the_network_namespace()
    {
        var config = BundleBuilder.Build(Input(new ContainerConfigBody { Cmd = ["true"] }, net: "slirp4netns", ports: [PortMapping.Parse("127.0.0.1:8080:80")]));
        Assert.Equal(["mydocker", "hook", "slirp4netns", "--publish", "127.0.0.1:8080:80/tcp"], config.Hooks!.CreateRuntime![0].Args);
        Assert.Equal("/usr/local/bin/mydocker", config.Hooks.Poststop![0].Path);
        Assert.Single(config.Mounts!, m => m.Destination == "/etc/resolv.conf");
        Assert.Equal("/data/c/resolv.conf", config.Mounts!.Single(m => m.Destination == "/etc/resolv.conf").Source);
        var host = BundleBuilder.Build(Input(new ContainerConfigBody { Cmd = ["true"] }, net: "host"));
        Assert.DoesNotContain(host.Linux!.Namespaces!, n => n.Type == "network");
        Assert.Null(host.Hooks);
    }

    [Fact]
    public void Default_capabilities_are_dockers_and_cap_add_drop_change_them()
    {
        var config = BundleBuilder.Build(Input(new ContainerConfigBody { Cmd = ["true"], HostConfig = new HostConfigBody { CapAdd = ["sys_admin"], CapDrop = ["CAP_NET_RAW"] } }));
        var caps = config.Process!.Capabilities!.Bounding!;
        Assert.Contains("CAP_SYS_ADMIN", caps);
        Assert.DoesNotContain("CAP_NET_RAW", caps);
        Assert.Equal(BundleBuilder.DefaultCapabilities.Length, caps.Count);
    }

    [Theory]
    [InlineData("/a:/b", "/a", "/b", "rw")]
    [InlineData("/a:/b:ro", "/a", "/b", "ro")]
    public void Binds_are_rbind_mounts(string bind, string source, string dest, string mode)
    {
        var m = BundleBuilder.BindMount(bind);
        Assert.Equal((source, dest), (m.Source, m.Destination));
        Assert.Contains(mode, m.Options!);
    }

    [Theory]
    [InlineData("vol:/b")]
    [InlineData("/a")]
    [InlineData("/a:/b:rx")]
    public void Bad_binds_are_400(string bind) => Assert.Equal(400, Assert.Throws<ApiException>(() => BundleBuilder.BindMount(bind)).Status);
}
