using MyDocker.Runtime.Rootfs;

namespace MyDocker.RootfsTests;

public class MountInfoTests
{
    // A hybrid host like this VM: v1 controllers under /sys/fs/cgroup, cgroup2 at unified.
    private const string HybridHost = """
        22 27 0:21 / /proc rw,relatime - proc proc rw
        27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu,cpuacct
        34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime master:7 - cgroup cgroup rw,memory
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/lib/systemd/agent,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
        50 27 0:32 / /mnt/memory-again rw,relatime - cgroup cgroup rw,memory
        60 27 0:50 / /mnt/with\040space rw shared:9 master:3 - tmpfs none rw
        """;

    [Fact]
    public void ParsesFieldsAndOptionalFields()
    {
        var all = MountInfo.Parse(HybridHost);
        Assert.Equal(10, all.Count);
        var root = all[1];
        Assert.Equal(27, root.Id);
        Assert.Equal(1, root.ParentId);
        Assert.Equal("254:0", root.MajorMinor);
        Assert.Equal("/", root.MountPoint);
        Assert.Equal(["shared:1"], root.OptionalFields);
        Assert.Equal("ext4", root.FsType);
        Assert.Equal("/dev/vda", root.Source);
        Assert.Equal("rw,discard", root.SuperOptions);
        Assert.True(root.IsShared);
        Assert.False(all[0].IsShared);
    }

    [Fact]
    public void UnescapesOctalInPathsAndReadsSeveralOptionalFields()
    {
        var m = MountInfo.Parse(HybridHost)[^1];
        Assert.Equal("/mnt/with space", m.MountPoint);
        Assert.Equal(["shared:9", "master:3"], m.OptionalFields);
        Assert.Equal("tmpfs", m.FsType);
    }

    [Fact]
    public void ContainingFindsTheLongestMountPointPrefix()
    {
        var all = MountInfo.Parse(HybridHost);
        Assert.Equal("/sys/fs/cgroup/memory", MountInfo.Containing(all, "/sys/fs/cgroup/memory/docker")!.MountPoint);
        Assert.Equal("/", MountInfo.Containing(all, "/var/lib/x/rootfs")!.MountPoint);
        Assert.Equal("/", MountInfo.Containing(all, "/procfoo")!.MountPoint); // prefix of a name is no match
        Assert.Equal("/proc", MountInfo.Containing(all, "/proc")!.MountPoint);
    }

    [Fact]
    public void CgroupHierarchiesOncePerHierarchyWithTheirMountData()
    {
        var h = CgroupMount.Hierarchies(MountInfo.Parse(HybridHost));
        Assert.Equal(["cpu,cpuacct", "cpuset", "memory", "systemd", "unified"], h.Select(x => x.Name));
        Assert.Equal("cpu,cpuacct", h[0].Data);
        Assert.Equal("cpuset,clone_children", h[1].Data);
        Assert.Equal("xattr,name=systemd", h[3].Data); // release_agent dropped: only the first mount may set it
        Assert.Equal("cgroup2", h[4].FsType);
        Assert.Null(h[4].Data);
        Assert.All(h.Take(4), x => Assert.Equal("cgroup", x.FsType));
        Assert.Equal("/sys/fs/cgroup/memory", h[2].HostMountPoint);
    }

    [Fact]
    public void ThisHostsOwnMountTableParses()
    {
        var all = MountInfo.ReadSelf();
        Assert.Contains(all, m => m.MountPoint == "/proc" && m.FsType == "proc");
        Assert.NotNull(MountInfo.Containing(all, "/tmp"));
    }
}
