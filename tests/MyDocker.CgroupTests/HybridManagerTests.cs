using MyDocker.Runtime.Cgroups;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.CgroupTests;

/// <summary>
/// A hybrid host like this one: v1 controllers, cgroup2 at "unified" offering only hugetlb. v1 serves
/// what it has; the v2 directory exists too and gets the processes; what only v2 offers is served there.
/// </summary>
public sealed class HybridManagerTests : IDisposable
{
    private readonly FakeCgroupFs fs = FakeCgroupFs.Hybrid();

    public void Dispose() => fs.Dispose();

    private ICgroupManager Manager()
    {
        var m = CgroupManager.For("c1", new Linux { CgroupsPath = "/mydocker/c1" }, fs.Layout, fs);
        m.Create();
        fs.TakeWrites();
        return m;
    }

    [Fact]
    public void The_v2_hierarchy_gets_the_container_directory_and_its_processes_too()
    {
        Assert.Equal(CgroupMode.Hybrid, fs.Layout.Mode);
        var m = Manager();
        Assert.Equal(fs.V2Mount + "/mydocker/c1", m.Paths[^1]);
        Assert.Equal(10, m.Paths.Length); // 9 v1 hierarchies + unified
        m.AddProcess(77);
        var w = fs.TakeWrites();
        Assert.Equal(10, w.Count);
        Assert.Equal("unified/mydocker/c1/cgroup.procs = 77", w[^1]);
    }

    [Fact]
    public void Clone_targets_pair_each_v1_directory_with_our_own_and_name_the_v2_one()
    {
        // CloneIntoCgroups: the cloning thread visits the container's v1 cgroups and must find its way back.
        using var own = FakeCgroupFs.Hybrid(ownCgroup: "/user.slice/me");
        var m = CgroupManager.For("c1", new Linux { CgroupsPath = "/mydocker/c1" }, own.Layout, own);
        var t = m.CloneTargets();
        Assert.Equal(9, t.V1.Count);
        Assert.All(t.V1, p => Assert.EndsWith("/mydocker/c1", p.Container));
        Assert.All(t.V1, p => Assert.Equal(Path.GetDirectoryName(Path.GetDirectoryName(p.Container)) + "/user.slice/me", p.Own));
        Assert.Equal(own.V2Mount + "/mydocker/c1", t.V2);
    }

    [Fact]
    public void Create_enables_nothing_in_the_v2_tree()
    {
        var m = CgroupManager.For("c1", new Linux(), fs.Layout, fs);
        m.Create();
        Assert.DoesNotContain(fs.TakeWrites(), w => w.Contains("subtree_control"));
    }

    [Fact]
    public void V1_serves_what_it_has()
    {
        var m = Manager();
        m.Update(new Resources { Memory = new Memory { Limit = 1 << 20 }, Pids = new Pids { Limit = 5 } });
        Assert.Equal(["memory/mydocker/c1/memory.limit_in_bytes = 1048576", "pids/mydocker/c1/pids.max = 5"], fs.TakeWrites());
    }

    [Fact]
    public void A_controller_only_v2_offers_is_enabled_down_the_v2_path_and_used_there()
    {
        var m = Manager();
        m.Update(new Resources { HugepageLimits = [new HugepageLimit { PageSize = "2MB", Limit = 0 }] });
        Assert.Equal(
        [
            "unified/cgroup.subtree_control = +hugetlb",
            "unified/mydocker/cgroup.subtree_control = +hugetlb",
            "unified/mydocker/c1/hugetlb.2MB.max = 0",
            "unified/mydocker/c1/hugetlb.2MB.rsvd.max = 0",
        ], fs.TakeWrites());
    }

    [Fact]
    public void What_neither_has_is_an_error_naming_the_field()
    {
        var m = Manager();
        var e = Assert.Throws<MyDockerException>(() => m.Apply(new Resources { Network = new Network { ClassID = 7 } }));
        Assert.Equal("linux.resources.network.classID: the net_cls cgroup controller is not available on this host (no cgroup v1 hierarchy has it mounted, nor does the cgroup v2 hierarchy offer it)", e.Message);
    }

    [Fact]
    public void Unified_keys_go_to_the_v2_directory_and_v1_controllers_are_named_as_such()
    {
        var m = Manager();
        m.Update(new Resources { Unified = new() { ["cgroup.max.depth"] = "3" } });
        Assert.Equal(["unified/mydocker/c1/cgroup.max.depth = 3"], fs.TakeWrites());
        var e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { Unified = new() { ["memory.high"] = "1" } }));
        Assert.Equal("linux.resources.unified.memory.high: the memory controller is not available in the cgroup v2 hierarchy of this hybrid host (it is on cgroup v1: use the linux.resources fields)", e.Message);
    }

    [Fact]
    public void Freezer_and_devices_are_v1()
    {
        var m = Manager();
        m.Freeze();
        m.Thaw();
        Assert.Equal(["freezer/mydocker/c1/freezer.state = FROZEN", "freezer/mydocker/c1/freezer.state = THAWED"], fs.TakeWrites());
        m.Apply(null);
        Assert.All(fs.TakeWrites(), w => Assert.StartsWith("devices/mydocker/c1/devices.", w));
    }

    [Fact]
    public void Kill_all_uses_cgroup_kill_of_the_v2_directory()
    {
        var m = Manager();
        m.Signal(9);
        Assert.Equal(["unified/mydocker/c1/cgroup.kill = 1"], fs.TakeWrites());
    }

    [Fact]
    public void Sigkill_to_a_paused_container_also_thaws_the_v1_freezer()
    {
        var m = Manager();
        m.Freeze();
        fs.TakeWrites();
        m.Signal(9);
        Assert.Equal(["unified/mydocker/c1/cgroup.kill = 1", "freezer/mydocker/c1/freezer.state = THAWED"], fs.TakeWrites());
    }

    [Fact]
    public void Destroy_removes_the_v2_directory_too()
    {
        var m = Manager();
        m.Destroy();
        Assert.False(Directory.Exists(fs.V2Mount + "/mydocker/c1"));
        Assert.False(Directory.Exists(fs.V1Mount("memory") + "/mydocker/c1"));
        m.Destroy(parentsToo: true);
        Assert.False(Directory.Exists(fs.V2Mount + "/mydocker"));
        Assert.False(Directory.Exists(fs.V1Mount("memory") + "/mydocker"));
    }
}
