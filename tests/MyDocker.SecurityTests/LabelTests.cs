using MyDocker.Runtime.Security;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.SecurityTests;

/// <summary>config.md "Linux Process": apparmorProfile and selinuxLabel, against fake /proc and /sys trees.</summary>
public class LabelTests
{
    private static Config Config(string? apparmor = null, string? selinux = null) => new()
    {
        OciVersion = "1.2.0",
        Process = new Process { Args = ["true"], ApparmorProfile = apparmor, SelinuxLabel = selinux },
    };

    private static LabelHost Host(TempDir tmp) => new(Path.Combine(tmp.Path, "proc"), Path.Combine(tmp.Path, "sys"));

    [Fact]
    public void AppArmor_not_enabled_is_an_error()
    {
        using var tmp = new TempDir();
        Assert.Equal("process.apparmorProfile: AppArmor is not enabled on this host",
            Assert.Throws<MyDockerException>(() => SecurityLabels.Apply(Config(apparmor: "docker-default"), Host(tmp))).Message);
        tmp.File("sys/module/apparmor/parameters/enabled", "N\n");
        Assert.False(SecurityLabels.AppArmorEnabled(Host(tmp)));
        Assert.Throws<MyDockerException>(() => SecurityLabels.Apply(Config(apparmor: "docker-default"), Host(tmp)));
    }

    [Fact]
    public void SELinux_not_enabled_is_an_error()
    {
        using var tmp = new TempDir();
        Assert.Equal("process.selinuxLabel: SELinux is not enabled on this host",
            Assert.Throws<MyDockerException>(() => SecurityLabels.Apply(Config(selinux: "system_u:system_r:container_t:s0"), Host(tmp))).Message);
    }

    [Fact]
    public void This_host_has_neither_so_asking_fails()
    {
        // The machine the tests were written on: no AppArmor module, no selinuxfs.
        if (SecurityLabels.AppArmorEnabled(LabelHost.Default) || SecurityLabels.SelinuxEnabled(LabelHost.Default)) return;
        Assert.Equal("process.apparmorProfile: AppArmor is not enabled on this host",
            Assert.Throws<MyDockerException>(() => ProcessSecurity.ApplyLabels(Config(apparmor: "p"))).Message);
        Assert.Equal("process.selinuxLabel: SELinux is not enabled on this host",
            Assert.Throws<MyDockerException>(() => ProcessSecurity.ApplyLabels(Config(selinux: "l"))).Message);
    }

    [Fact]
    public void No_label_asked_is_nothing_to_do()
    {
        using var tmp = new TempDir();
        SecurityLabels.Apply(Config(), Host(tmp));
        SecurityLabels.Apply(Config(apparmor: "", selinux: ""), Host(tmp));
    }

    [Fact]
    public void AppArmor_profile_goes_to_the_apparmor_exec_attribute()
    {
        using var tmp = new TempDir();
        tmp.File("sys/module/apparmor/parameters/enabled", "Y\n");
        string own = tmp.File("proc/thread-self/attr/apparmor/exec");
        string shared = tmp.File("proc/thread-self/attr/exec");
        SecurityLabels.Apply(Config(apparmor: "docker-default"), Host(tmp));
        Assert.Equal("exec docker-default", File.ReadAllText(own));
        Assert.Equal("", File.ReadAllText(shared));
    }

    [Fact]
    public void AppArmor_falls_back_to_the_shared_exec_attribute_and_to_proc_self()
    {
        using var tmp = new TempDir();
        tmp.File("sys/module/apparmor/parameters/enabled", "Y");
        string shared = tmp.File("proc/self/attr/exec");
        SecurityLabels.Apply(Config(apparmor: "unconfined"), Host(tmp));
        Assert.Equal("exec unconfined", File.ReadAllText(shared));
    }

    [Fact]
    public void AppArmor_without_an_attribute_file_is_an_error()
    {
        using var tmp = new TempDir();
        tmp.File("sys/module/apparmor/parameters/enabled", "Y");
        string proc = Path.Combine(tmp.Path, "proc");
        Assert.Equal($"process.apparmorProfile: no attr/exec under {proc}/thread-self or {proc}/self",
            Assert.Throws<MyDockerException>(() => SecurityLabels.Apply(Config(apparmor: "p"), Host(tmp))).Message);
    }

    [Fact]
    public void SELinux_label_goes_to_the_exec_attribute()
    {
        using var tmp = new TempDir();
        tmp.File("sys/fs/selinux/enforce", "1");
        string exec = tmp.File("proc/thread-self/attr/exec");
        SecurityLabels.Apply(Config(selinux: "system_u:system_r:container_t:s0:c1,c2"), Host(tmp));
        Assert.Equal("system_u:system_r:container_t:s0:c1,c2", File.ReadAllText(exec));
    }
}
