using MyDocker.Runtime.Cgroups;

namespace MyDocker.CgroupTests;

/// <summary>CgroupLayout from sample /proc/self/mountinfo and /proc/self/cgroup texts (proc(5), cgroups(7)).</summary>
public sealed class LayoutTests
{
    // This host: v1 controllers each on their own, name=systemd, cgroup2 at /sys/fs/cgroup/unified.
    private const string Hybrid = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
        37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
        38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw

        """;

    private const string HybridSelf = """
        9:name=systemd:/
        8:pids:/
        4:memory:/process_api/93ec4d48
        2:cpuacct:/
        1:cpu:/
        0::/

        """;

    // A typical systemd v1 host: co-mounted cpu,cpuacct and net_cls,net_prio, with extra mount options.
    private const string Legacy = """
        25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd
        29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct
        30 25 0:27 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,net_cls,net_prio
        31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
        32 25 0:29 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,cpuset,clone_children
        33 25 0:30 / /sys/fs/cgroup/hugetlb rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,hugetlb
        40 88 0:29 / /mnt/again rw,relatime - cgroup cgroup rw,cpuset,clone_children

        """;

    // A unified host (systemd 247+ default).
    private const string Unified = """
        24 18 0:21 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot

        """;

    [Fact]
    public void Hybrid_host()
    {
        var l = CgroupLayout.Parse(Hybrid, HybridSelf);
        Assert.Equal(CgroupMode.Hybrid, l.Mode);
        Assert.Equal("/sys/fs/cgroup/unified", l.UnifiedMountPoint);
        Assert.Equal(["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "name=systemd"], l.V1.Select(h => h.Key));
        Assert.Equal("/sys/fs/cgroup/memory", l.Find("memory")!.MountPoint);
        Assert.Null(l.Find("hugetlb"));
        Assert.Equal("/process_api/93ec4d48", l.OwnIn(l.Find("memory")!));
        Assert.Equal("/", l.OwnIn(l.Find("cpu")!));
        Assert.Equal("/", l.OwnUnified);
    }

    [Fact]
    public void Legacy_host_with_co_mounted_controllers_and_a_second_mount_of_one_hierarchy()
    {
        var l = CgroupLayout.Parse(Legacy, "12:cpu,cpuacct:/user.slice\n1:name=systemd:/user.slice/session-2.scope\n");
        Assert.Equal(CgroupMode.Legacy, l.Mode);
        Assert.Null(l.UnifiedMountPoint);
        Assert.Equal(["name=systemd", "cpu,cpuacct", "net_cls,net_prio", "memory", "cpuset", "hugetlb"], l.V1.Select(h => h.Key));
        Assert.Same(l.Find("cpu"), l.Find("cpuacct"));
        Assert.Equal("/sys/fs/cgroup/cpuset", l.Find("cpuset")!.MountPoint); // not /mnt/again
        Assert.Equal(["cpuset"], l.Find("cpuset")!.Controllers);              // clone_children is an option, not a controller
        Assert.Equal("/user.slice", l.OwnIn(l.Find("cpu")!));
        Assert.Equal("/user.slice/session-2.scope", l.OwnIn(l.Find("name=systemd")!));
    }

    [Fact]
    public void Unified_host()
    {
        var l = CgroupLayout.Parse(Unified, "0::/user.slice/user-1000.slice/session-3.scope\n", systemdIsInit: true);
        Assert.Equal(CgroupMode.Unified, l.Mode);
        Assert.Equal("/sys/fs/cgroup", l.UnifiedMountPoint);
        Assert.Empty(l.V1);
        Assert.Equal("/user.slice/user-1000.slice/session-3.scope", l.OwnUnified);
        Assert.True(l.SystemdIsInit);
    }

    [Fact]
    public void A_sub_tree_mount_keeps_its_root()
    {
        var l = CgroupLayout.Parse("50 49 0:32 /docker/abc /sys/fs/cgroup/memory ro,relatime - cgroup cgroup rw,memory\n", "4:memory:/docker/abc\n");
        Assert.Equal("/docker/abc", l.Find("memory")!.Root);
    }

    [Fact]
    public void Deleted_own_cgroup_is_still_ours()
    {
        Assert.Equal("/gone", CgroupLayout.ParseOwn("0::/gone (deleted)\n")[""]);
    }

    [Fact]
    public void This_hosts_layout_is_detected()
    {
        var l = CgroupLayout.Detect();
        Assert.True(l.V1.Count > 0 || l.UnifiedMountPoint != null, "no cgroup filesystem found in /proc/self/mountinfo");
        if (l.Mode == CgroupMode.Unified) Assert.Empty(l.V1);
        else Assert.NotEmpty(l.V1);
    }
}
