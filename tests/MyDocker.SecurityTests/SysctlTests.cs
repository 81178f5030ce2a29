using MyDocker.Runtime.Security;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.SecurityTests;

/// <summary>config-linux.md "Sysctl": only namespaced keys, and only with their namespace.</summary>
public class SysctlTests
{
    private static readonly string[] AllNamespaces = ["pid", "network", "ipc", "uts", "mount"];

    private static Config Config(Dictionary<string, string> sysctl, params string[] namespaces) => new()
    {
        OciVersion = "1.2.0",
        Linux = new Linux { Sysctl = sysctl, Namespaces = namespaces.Select(t => new Namespace { Type = t }).ToList() },
    };

    [Theory]
    [InlineData("kernel.msgmax")]
    [InlineData("kernel.msgmnb")]
    [InlineData("kernel.msgmni")]
    [InlineData("kernel.sem")]
    [InlineData("kernel.shmall")]
    [InlineData("kernel.shmmax")]
    [InlineData("kernel.shmmni")]
    [InlineData("kernel.shm_rmid_forced")]
    [InlineData("fs.mqueue.msg_max")]
    [InlineData("fs/mqueue/queues_max")]
    [InlineData("net.ipv4.ip_forward")]
    [InlineData("net.core.somaxconn")]
    [InlineData("net/ipv4/conf/eth0.100/forwarding")]
    [InlineData("kernel.hostname")]
    [InlineData("kernel.domainname")]
    public void Namespaced_keys_are_allowed_with_their_namespace(string key) =>
        Assert.Null(Sysctl.Problem(key, AllNamespaces));

    [Theory]
    [InlineData("vm.swappiness")]
    [InlineData("kernel.pid_max")]
    [InlineData("fs.file-max")]
    [InlineData("kernel.core_pattern")]
    public void Other_keys_are_refused(string key) =>
        Assert.Equal($"linux.sysctl: \"{key}\" is not namespaced: refusing to change it for the host", Sysctl.Problem(key, AllNamespaces));

    [Fact]
    public void Ipc_keys_need_an_ipc_namespace()
    {
        string expected = "linux.sysctl: \"kernel.shmmax\" needs a new or joined ipc namespace (linux.namespaces): refusing to change it for the host";
        Assert.Equal(expected, Sysctl.Problem("kernel.shmmax", ["pid", "network", "uts", "mount"]));
        Assert.Equal(expected.Replace("kernel.shmmax", "fs.mqueue.msg_max"), Sysctl.Problem("fs.mqueue.msg_max", ["network"]));
    }

    [Fact]
    public void Net_keys_need_a_network_namespace() =>
        Assert.Equal("linux.sysctl: \"net.ipv4.ip_forward\" needs a network namespace that is not the host's (linux.namespaces): refusing to change it for the host",
            Sysctl.Problem("net.ipv4.ip_forward", ["pid", "ipc", "uts", "mount"]));

    [Fact]
    public void Hostname_keys_need_a_uts_namespace() =>
        Assert.Equal("linux.sysctl: \"kernel.hostname\" needs a uts namespace (linux.namespaces): refusing to change it for the host",
            Sysctl.Problem("kernel.hostname", ["pid", "ipc", "network", "mount"]));

    [Theory]
    [InlineData("")]
    [InlineData("net..ipv4")]
    [InlineData(".net.ipv4")]
    [InlineData("net/ipv4/../../../etc/passwd")]
    [InlineData("/net/ipv4/ip_forward")]
    [InlineData("net/./ipv4")]
    public void Keys_that_are_not_plain_names_are_refused(string key)
    {
        Assert.Null(Sysctl.RelativePath(key));
        Assert.Equal($"linux.sysctl: \"{key}\" is not a valid sysctl name", Sysctl.Problem(key, AllNamespaces));
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward", "net/ipv4/ip_forward")]
    [InlineData("kernel.shm_rmid_forced", "kernel/shm_rmid_forced")]
    [InlineData("net/ipv4/conf/eth0.100/forwarding", "net/ipv4/conf/eth0.100/forwarding")]
    public void Keys_become_paths_under_proc_sys(string key, string path) => Assert.Equal(path, Sysctl.RelativePath(key));

    [Fact]
    public void Validate_reports_the_first_problem_in_config_order()
    {
        var config = Config(new() { ["net.ipv4.ip_forward"] = "1", ["vm.swappiness"] = "10", ["kernel.pid_max"] = "5" }, AllNamespaces);
        Assert.Equal("linux.sysctl: \"vm.swappiness\" is not namespaced: refusing to change it for the host",
            Assert.Throws<MyDockerException>(() => Sysctl.Validate(config)).Message);
    }

    [Fact]
    public void A_joined_namespace_counts()
    {
        var config = Config(new() { ["kernel.msgmax"] = "1" });
        config.Linux!.Namespaces = [new Namespace { Type = "ipc", Path = "/proc/1/ns/ipc" }];
        Sysctl.Validate(config);
    }

    [Fact]
    public void No_sysctl_is_nothing_to_check()
    {
        Sysctl.Validate(new Config { OciVersion = "1.2.0" });
        Sysctl.Validate(Config(new()));
    }

    [Fact]
    public void Write_puts_each_value_in_its_file()
    {
        using var tmp = new TempDir();
        string forward = tmp.File("net/ipv4/ip_forward");
        string shm = tmp.File("kernel/shmmax");
        Sysctl.Write(Config(new() { ["net.ipv4.ip_forward"] = "1", ["kernel.shmmax"] = "65536" }, AllNamespaces), tmp.Path, requireProcfs: false);
        Assert.Equal("1", File.ReadAllText(forward));
        Assert.Equal("65536", File.ReadAllText(shm));
    }

    [Fact]
    public void Write_validates_before_writing_anything()
    {
        using var tmp = new TempDir();
        string forward = tmp.File("net/ipv4/ip_forward");
        var config = Config(new() { ["net.ipv4.ip_forward"] = "1", ["vm.swappiness"] = "10" }, AllNamespaces);
        Assert.Throws<MyDockerException>(() => Sysctl.Write(config, tmp.Path, requireProcfs: false));
        Assert.Equal("", File.ReadAllText(forward));
    }

    [Fact]
    public void An_unknown_key_is_named()
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<MyDockerException>(() =>
            Sysctl.Write(Config(new() { ["net.ipv4.nope"] = "1" }, AllNamespaces), tmp.Path, requireProcfs: false));
        Assert.Equal($"linux.sysctl: \"net.ipv4.nope\": opening {tmp.Path}/net/ipv4/nope: no such sysctl", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_procfs_is_refused()
    {
        using var tmp = new TempDir();
        string forward = tmp.File("net/ipv4/ip_forward");
        var e = Assert.Throws<MyDockerException>(() =>
            Sysctl.Write(Config(new() { ["net.ipv4.ip_forward"] = "1" }, AllNamespaces), tmp.Path, requireProcfs: true));
        Assert.Equal($"linux.sysctl: \"net.ipv4.ip_forward\": {forward} is not on procfs: refusing to write it", e.Message);
        Assert.Equal("", File.ReadAllText(forward));
    }

    [Fact]
    public void Joining_the_hosts_network_namespace_is_refused_for_net_keys()
    {
        var config = Config(new() { ["net.ipv4.ip_forward"] = "1" });
        config.Linux!.Namespaces = [new Namespace { Type = "network", Path = "/proc/self/ns/net" }];
        Assert.Equal("linux.sysctl: \"net.ipv4.ip_forward\" needs a network namespace that is not the host's (/proc/self/ns/net is the host's): refusing to change it for the host",
            Assert.Throws<MyDockerException>(() => Sysctl.CheckHostNetwork(config)).Message);

        config.Linux.Namespaces = [new Namespace { Type = "network" }]; // a new one
        Sysctl.CheckHostNetwork(config);
        config.Linux.Namespaces = [new Namespace { Type = "network", Path = "/proc/self/ns/net" }];
        config.Linux.Sysctl = new() { ["kernel.msgmax"] = "1" }; // no net.* key: nothing to refuse here
        Sysctl.CheckHostNetwork(config);
    }
}
