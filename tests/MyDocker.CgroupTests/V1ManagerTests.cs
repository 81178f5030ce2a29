using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.CgroupTests;

/// <summary>A cgroup v1 host: the exact interface-file writes of every linux.resources field (config-linux.md "Control groups").</summary>
public sealed class V1ManagerTests : IDisposable
{
    private readonly FakeCgroupFs fs = FakeCgroupFs.Legacy();
    private readonly List<string> warnings = new();

    public void Dispose() => fs.Dispose();

    private ICgroupManager Manager(string? cgroupsPath = "/mydocker/c1", Linux? linux = null)
    {
        linux ??= new Linux();
        linux.CgroupsPath = cgroupsPath;
        var m = CgroupManager.For("c1", linux, fs.Layout, fs, warnings.Add);
        m.Create();
        fs.TakeWrites();
        return m;
    }

    /// <summary>The writes of one Update (no device rules), as "hierarchy/file = value".</summary>
    private List<string> UpdateWrites(Resources r)
    {
        var m = Manager();
        m.Update(r);
        return fs.TakeWrites();
    }

    [Fact]
    public void Layout_is_legacy_with_every_hierarchy()
    {
        Assert.Equal(CgroupMode.Legacy, fs.Layout.Mode);
        Assert.Equal(12, fs.Layout.V1.Count);
        Assert.Null(fs.Layout.UnifiedMountPoint);
    }

    [Fact]
    public void Create_makes_the_cgroup_in_every_hierarchy_and_fills_the_new_cpusets_from_their_parents()
    {
        var m = CgroupManager.For("c1", new Linux(), fs.Layout, fs, warnings.Add);
        m.Create();
        Assert.Equal(fs.Layout.V1.Select(h => h.MountPoint + "/mydocker/c1"), m.Paths);
        Assert.All(m.Paths, p => Assert.True(Directory.Exists(p), p));
        // Both levels are new: /mydocker first, then /mydocker/c1 (cpuset.rst: an empty cpuset takes no task).
        Assert.Equal(
        [
            "cpuset/mydocker/cpuset.cpus = 0-1", "cpuset/mydocker/cpuset.mems = 0",
            "cpuset/mydocker/c1/cpuset.cpus = 0-1", "cpuset/mydocker/c1/cpuset.mems = 0",
        ], fs.TakeWrites());
        Assert.Equal(fs.Layout.V1.SelectMany(h => new[] { h.MountPoint + "/mydocker", h.MountPoint + "/mydocker/c1" }).Order(), m.CreatedPaths.Order());

        m.Create(); // idempotent: nothing new, nothing written
        Assert.Empty(fs.TakeWrites());
    }

    [Fact]
    public void Apply_null_still_denies_every_device_but_the_default_ones()
    {
        var m = Manager();
        m.Apply(null);
        Assert.Equal(
        [
            "devices/mydocker/c1/devices.deny = a",
            "devices/mydocker/c1/devices.allow = c *:* m",
            "devices/mydocker/c1/devices.allow = b *:* m",
            "devices/mydocker/c1/devices.allow = c 1:3 rwm",
            "devices/mydocker/c1/devices.allow = c 1:8 rwm",
            "devices/mydocker/c1/devices.allow = c 1:7 rwm",
            "devices/mydocker/c1/devices.allow = c 5:0 rwm",
            "devices/mydocker/c1/devices.allow = c 1:5 rwm",
            "devices/mydocker/c1/devices.allow = c 1:9 rwm",
            "devices/mydocker/c1/devices.allow = c 136:* rwm",
            "devices/mydocker/c1/devices.allow = c 5:2 rwm",
            "devices/mydocker/c1/devices.allow = c 10:200 rwm",
        ], fs.TakeWrites());
    }

    [Fact]
    public void Device_rules_come_in_order_then_the_defaults_then_linux_devices()
    {
        var linux = new Linux
        {
            Devices = [new Device { Type = "c", Path = "/dev/fuse", Major = 10, Minor = 229 }, new Device { Type = "p", Path = "/dev/fifo" }],
        };
        var m = Manager(linux: linux);
        m.Apply(new Resources
        {
            Devices =
            [
                new DeviceCgroupRule { Allow = false, Access = "rwm" },
                new DeviceCgroupRule { Allow = true, Type = "b", Major = 8, Minor = -1, Access = "r" },
                new DeviceCgroupRule { Allow = false, Type = "c", Major = 1, Minor = 3, Access = "w" },
            ],
        });
        var w = fs.TakeWrites();
        Assert.Equal(
        [
            "devices/mydocker/c1/devices.deny = a",
            "devices/mydocker/c1/devices.deny = a *:* rwm",
            "devices/mydocker/c1/devices.allow = b 8:* r",
            "devices/mydocker/c1/devices.deny = c 1:3 w",
        ], w.Take(4));
        Assert.Equal("devices/mydocker/c1/devices.allow = c 10:229 rwm", w[^1]); // linux.devices, the FIFO has no rule
        Assert.Equal(4 + 11 + 1, w.Count);
    }

    [Fact]
    public void A_bad_device_rule_names_its_index()
    {
        var m = Manager();
        var e = Assert.Throws<MyDockerException>(() => m.Apply(new Resources { Devices = [new DeviceCgroupRule { Allow = true, Type = "c", Access = "rwx" }] }));
        Assert.Equal("linux.resources.devices[0].access: \"rwx\" is not a combination of r, w and m", e.Message);
    }

    [Fact]
    public void Memory_limit_then_memsw_when_the_current_limit_is_above_the_new_swap()
    {
        var w = UpdateWrites(new Resources
        {
            Memory = new Memory { Limit = 104857600, Swap = 209715200, Reservation = 52428800, Swappiness = 0, DisableOOMKiller = true, UseHierarchy = true },
        });
        Assert.Equal(
        [
            "memory/mydocker/c1/memory.limit_in_bytes = 104857600",
            "memory/mydocker/c1/memory.memsw.limit_in_bytes = 209715200",
            "memory/mydocker/c1/memory.soft_limit_in_bytes = 52428800",
            "memory/mydocker/c1/memory.swappiness = 0",
            "memory/mydocker/c1/memory.oom_control = 1",
            "memory/mydocker/c1/memory.use_hierarchy = 1",
        ], w);
    }

    [Fact]
    public void At_create_the_memory_limits_wait_until_init_is_in()
    {
        var m = Manager();
        var r = new Resources { Memory = new Memory { Limit = 104857600, Swap = 209715200, Reservation = 52428800, Swappiness = 0 } };
        m.Apply(r);
        Assert.Equal(
        [
            "memory/mydocker/c1/memory.soft_limit_in_bytes = 52428800",
            "memory/mydocker/c1/memory.swappiness = 0",
        ], fs.TakeWrites().Where(w => w.StartsWith("memory/")));
        m.ApplyMemoryLimits(r);
        Assert.Equal(
        [
            "memory/mydocker/c1/memory.limit_in_bytes = 104857600",
            "memory/mydocker/c1/memory.memsw.limit_in_bytes = 209715200",
        ], fs.TakeWrites());
        m.ApplyMemoryLimits(new Resources { Memory = new Memory { Reservation = 1 } });
        m.ApplyMemoryLimits(null);
        Assert.Empty(fs.TakeWrites());
    }

    [Fact]
    public void A_limit_the_kernel_cannot_reclaim_down_to_is_refused_in_runcs_words()
    {
        var m = Manager();
        fs.SetText("memory/mydocker/c1/memory.usage_in_bytes", "700416");
        fs.SetText("memory/mydocker/c1/memory.max_usage_in_bytes", "1048576");
        fs.Refuse("memory/mydocker/c1/memory.limit_in_bytes", Libc.EBUSY);
        var e = Assert.Throws<MyDockerException>(() => m.ApplyMemoryLimits(new Resources { Memory = new Memory { Limit = 4096 } }));
        Assert.Equal("linux.resources.memory.limit: unable to set memory limit to 4096 (current usage: 700416, peak usage: 1048576)", e.Message);
        Assert.Equal(Libc.EBUSY, e.Errno);
        // `update` says the same.
        e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { Memory = new Memory { Limit = 4096 } }));
        Assert.Equal("linux.resources.memory.limit: unable to set memory limit to 4096 (current usage: 700416, peak usage: 1048576)", e.Message);

        fs.SetText("memory/mydocker/c1/memory.memsw.usage_in_bytes", "800000");
        fs.SetText("memory/mydocker/c1/memory.memsw.max_usage_in_bytes", "900000");
        fs.Refuse("memory/mydocker/c1/memory.memsw.limit_in_bytes", Libc.EBUSY);
        e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { Memory = new Memory { Swap = 8192 } }));
        Assert.Equal("linux.resources.memory.swap: unable to set memory+swap limit to 8192 (current usage: 800000, peak usage: 900000)", e.Message);
    }

    [Fact]
    public void Memsw_goes_first_when_raising_above_the_current_limit()
    {
        var m = Manager();
        fs.SetText("memory/mydocker/c1/memory.limit_in_bytes", "104857600");
        m.Update(new Resources { Memory = new Memory { Limit = 209715200, Swap = 314572800 } });
        Assert.Equal(
        [
            "memory/mydocker/c1/memory.memsw.limit_in_bytes = 314572800",
            "memory/mydocker/c1/memory.limit_in_bytes = 209715200",
        ], fs.TakeWrites());
    }

    [Fact]
    public void Unlimited_memory_makes_memsw_unlimited_too_and_first()
    {
        Assert.Equal(
        [
            "memory/mydocker/c1/memory.memsw.limit_in_bytes = -1",
            "memory/mydocker/c1/memory.limit_in_bytes = -1",
        ], UpdateWrites(new Resources { Memory = new Memory { Limit = -1 } }));
    }

    [Fact]
    public void Kernel_memory_is_ignored_with_a_warning()
    {
        Assert.Empty(UpdateWrites(new Resources { Memory = new Memory { Kernel = 1 << 20, KernelTCP = 1 << 20 } }));
        Assert.Equal(
        [
            "linux.resources.memory.kernel: kernel memory limits are deprecated by the kernel and ignored (as runc does)",
            "linux.resources.memory.kernelTCP: kernel TCP memory limits are ignored (as runc does)",
        ], warnings);
    }

    [Fact]
    public void Swappiness_above_100_is_refused()
    {
        var e = Assert.Throws<MyDockerException>(() => UpdateWrites(new Resources { Memory = new Memory { Swappiness = 101 } }));
        Assert.Equal("linux.resources.memory.swappiness: 101 is out of range (0-100)", e.Message);
    }

    [Fact]
    public void Check_before_update_refuses_a_limit_below_the_usage()
    {
        var m = Manager();
        fs.SetText("memory/mydocker/c1/memory.usage_in_bytes", "5000000");
        var e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { Memory = new Memory { Limit = 4000000, CheckBeforeUpdate = true } }));
        Assert.Equal("linux.resources.memory.limit: the new limit 4000000 is below the current usage 5000000 (memory.checkBeforeUpdate is set)", e.Message);
    }

    [Fact]
    public void A_missing_interface_file_is_an_error_naming_field_and_file()
    {
        var m = Manager();
        File.Delete(Path.Combine(fs.Root, "memory/mydocker/c1/memory.soft_limit_in_bytes"));
        var e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { Memory = new Memory { Reservation = 1 } }));
        Assert.Equal("linux.resources.memory.reservation: writing memory.soft_limit_in_bytes: No such file or directory", e.Message);
        Assert.False(File.Exists(Path.Combine(fs.Root, "memory/mydocker/c1/memory.soft_limit_in_bytes"))); // never created
    }

    [Fact]
    public void Swap_without_swap_accounting_is_explained()
    {
        var m = Manager();
        File.Delete(Path.Combine(fs.Root, "memory/mydocker/c1/memory.memsw.limit_in_bytes"));
        var e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { Memory = new Memory { Limit = 1000, Swap = 2000 } }));
        Assert.Equal("linux.resources.memory.swap: the kernel does not account swap (no memory.memsw.limit_in_bytes; boot with swapaccount=1)", e.Message);
    }

    [Fact]
    public void Cpu_fields_go_to_the_cpu_hierarchy_period_before_quota()
    {
        Assert.Equal(
        [
            "cpu/mydocker/c1/cpu.shares = 512",
            "cpu/mydocker/c1/cpu.cfs_period_us = 100000",
            "cpu/mydocker/c1/cpu.cfs_quota_us = 50000",
            "cpu/mydocker/c1/cpu.cfs_burst_us = 1000",
            "cpu/mydocker/c1/cpu.rt_period_us = 1000000",
            "cpu/mydocker/c1/cpu.rt_runtime_us = 950000",
            "cpu/mydocker/c1/cpu.idle = 0",
        ], UpdateWrites(new Resources
        {
            Cpu = new Cpu { Shares = 512, Period = 100000, Quota = 50000, Burst = 1000, RealtimePeriod = 1000000, RealtimeRuntime = 950000, Idle = 0 },
        }));
    }

    [Fact]
    public void Cpuset_fields_go_to_the_cpuset_hierarchy()
    {
        Assert.Equal(
        [
            "cpuset/mydocker/c1/cpuset.cpus = 1",
            "cpuset/mydocker/c1/cpuset.mems = 0",
        ], UpdateWrites(new Resources { Cpu = new Cpu { Cpus = "1", Mems = "0" } }));
    }

    [Fact]
    public void Pids_limit_and_no_limit()
    {
        Assert.Equal(["pids/mydocker/c1/pids.max = 20"], UpdateWrites(new Resources { Pids = new Pids { Limit = 20 } }));
        Assert.Equal(["pids/mydocker/c1/pids.max = max"], UpdateWrites(new Resources { Pids = new Pids { Limit = -1 } }));
    }

    private static BlockIO FullBlockIO() => new()
    {
        Weight = 300,
        LeafWeight = 200,
        WeightDevice = [new WeightDevice { Major = 8, Minor = 0, Weight = 400, LeafWeight = 100 }],
        ThrottleReadBpsDevice = [new ThrottleDevice { Major = 8, Minor = 0, Rate = 1048576 }],
        ThrottleWriteBpsDevice = [new ThrottleDevice { Major = 8, Minor = 0, Rate = 2097152 }],
        ThrottleReadIOPSDevice = [new ThrottleDevice { Major = 8, Minor = 16, Rate = 100 }],
        ThrottleWriteIOPSDevice = [new ThrottleDevice { Major = 8, Minor = 16, Rate = 0 }],
    };

    [Fact]
    public void Blkio_with_cfq()
    {
        Assert.Equal(
        [
            "blkio/mydocker/c1/blkio.weight = 300",
            "blkio/mydocker/c1/blkio.leaf_weight = 200",
            "blkio/mydocker/c1/blkio.weight_device = 8:0 400",
            "blkio/mydocker/c1/blkio.leaf_weight_device = 8:0 100",
            "blkio/mydocker/c1/blkio.throttle.read_bps_device = 8:0 1048576",
            "blkio/mydocker/c1/blkio.throttle.write_bps_device = 8:0 2097152",
            "blkio/mydocker/c1/blkio.throttle.read_iops_device = 8:16 100",
            "blkio/mydocker/c1/blkio.throttle.write_iops_device = 8:16 0",
        ], UpdateWrites(new Resources { BlockIO = FullBlockIO() }));
    }

    [Fact]
    public void Blkio_with_bfq_has_no_leaf_weight()
    {
        using var bfq = FakeCgroupFs.Legacy(blkio: "bfq");
        var m = CgroupManager.For("c1", new Linux { CgroupsPath = "/x" }, bfq.Layout, bfq);
        m.Create();
        bfq.TakeWrites();
        m.Update(new Resources { BlockIO = new BlockIO { Weight = 300, WeightDevice = [new WeightDevice { Major = 8, Minor = 0, Weight = 400 }] } });
        Assert.Equal(["blkio/x/blkio.bfq.weight = 300", "blkio/x/blkio.bfq.weight_device = 8:0 400"], bfq.TakeWrites());
        var e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { BlockIO = new BlockIO { LeafWeight = 10 } }));
        Assert.Equal("linux.resources.blockIO.leafWeight: only the CFQ I/O scheduler has a leaf weight (no blkio.leaf_weight here)", e.Message);
    }

    [Fact]
    public void Blkio_weight_without_a_weighting_scheduler_is_explained()
    {
        using var none = FakeCgroupFs.Legacy(blkio: "none");
        var m = CgroupManager.For("c1", new Linux { CgroupsPath = "/x" }, none.Layout, none);
        m.Create();
        var e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { BlockIO = new BlockIO { Weight = 300 } }));
        Assert.Equal("linux.resources.blockIO.weight: the host's I/O scheduler has no proportional weight (neither blkio.weight (CFQ) nor blkio.bfq.weight (BFQ) exists)", e.Message);
    }

    [Fact]
    public void Hugetlb_sets_the_limit_and_the_reservation_limit_where_there_is_one()
    {
        Assert.Equal(
        [
            "hugetlb/mydocker/c1/hugetlb.2MB.limit_in_bytes = 4194304",
            "hugetlb/mydocker/c1/hugetlb.2MB.rsvd.limit_in_bytes = 4194304",
            "hugetlb/mydocker/c1/hugetlb.1GB.limit_in_bytes = 0",
        ], UpdateWrites(new Resources { HugepageLimits = [new HugepageLimit { PageSize = "2MB", Limit = 4194304 }, new HugepageLimit { PageSize = "1GB", Limit = 0 }] }));
        var e = Assert.Throws<MyDockerException>(() => UpdateWrites(new Resources { HugepageLimits = [new HugepageLimit { PageSize = "4MB", Limit = 1 }] }));
        Assert.Equal("linux.resources.hugepageLimits[0].pageSize: \"4MB\" is not a huge page size of this host (it has: 1GB, 2MB)", e.Message);
    }

    [Fact]
    public void Network_class_and_priorities()
    {
        Assert.Equal(
        [
            "net_cls,net_prio/mydocker/c1/net_cls.classid = 1048577",
            "net_cls,net_prio/mydocker/c1/net_prio.ifpriomap = eth0 5",
            "net_cls,net_prio/mydocker/c1/net_prio.ifpriomap = lo 2",
        ], UpdateWrites(new Resources
        {
            Network = new Network { ClassID = 0x00100001, Priorities = [new InterfacePriority { Name = "eth0", Priority = 5 }, new InterfacePriority { Name = "lo", Priority = 2 }] },
        }));
    }

    [Fact]
    public void Rdma_limits_one_line_per_device()
    {
        Assert.Equal(
        [
            "rdma/mydocker/c1/rdma.max = mlx4_0 hca_handle=2 hca_object=2000",
            "rdma/mydocker/c1/rdma.max = mlx5_1 hca_handle=3",
        ], UpdateWrites(new Resources
        {
            Rdma = new() { ["mlx5_1"] = new Rdma { HcaHandles = 3 }, ["mlx4_0"] = new Rdma { HcaHandles = 2, HcaObjects = 2000 } },
        }));
    }

    [Fact]
    public void A_controller_no_hierarchy_has_is_an_error_naming_the_field()
    {
        using var few = FakeCgroupFs.Legacy([["cpu"], ["memory"], ["devices"]]);
        var m = CgroupManager.For("c1", new Linux(), few.Layout, few);
        m.Create();
        var e = Assert.Throws<MyDockerException>(() => m.Apply(new Resources { Network = new Network { ClassID = 1 } }));
        Assert.Equal("linux.resources.network.classID: the net_cls cgroup controller is not available on this host (no cgroup v1 hierarchy has it mounted)", e.Message);
        e = Assert.Throws<MyDockerException>(() => m.Apply(new Resources { Pids = new Pids { Limit = 5 } }));
        Assert.Equal("linux.resources.pids.limit: the pids cgroup controller is not available on this host (no cgroup v1 hierarchy has it mounted)", e.Message);
    }

    [Fact]
    public void Unified_needs_cgroup_v2()
    {
        var m = Manager();
        var e = Assert.Throws<MyDockerException>(() => m.Apply(new Resources { Unified = new() { ["memory.high"] = "1000000" } }));
        Assert.Equal("linux.resources.unified: needs cgroup v2", e.Message);
    }

    [Fact]
    public void Co_mounted_controllers_share_one_directory()
    {
        using var co = FakeCgroupFs.Legacy([["cpu", "cpuacct"], ["memory"], ["devices"], ["name=systemd"]]);
        var m = CgroupManager.For("c1", new Linux(), co.Layout, co);
        m.Create();
        Assert.Equal(4, m.Paths.Length);
        co.TakeWrites();
        m.Update(new Resources { Cpu = new Cpu { Shares = 100 } });
        Assert.Equal(["cpu,cpuacct/mydocker/c1/cpu.shares = 100"], co.TakeWrites());
    }

    [Fact]
    public void AddProcess_writes_cgroup_procs_in_every_hierarchy()
    {
        var m = Manager();
        m.AddProcess(4242);
        Assert.Equal(fs.Layout.V1.Select(h => $"{Path.GetFileName(h.MountPoint)}/mydocker/c1/cgroup.procs = 4242"), fs.TakeWrites());
    }

    [Fact]
    public void Pids_come_from_cgroup_procs_including_sub_cgroups()
    {
        var m = Manager();
        fs.SetText("pids/mydocker/c1/cgroup.procs", "12\n7\n");
        Directory.CreateDirectory(Path.Combine(fs.Root, "pids/mydocker/c1/inner"));
        fs.SetText("pids/mydocker/c1/inner/cgroup.procs", "30\n");
        Assert.Equal([7, 12, 30], m.Pids());
    }

    [Fact]
    public void Freeze_and_thaw_use_freezer_state()
    {
        var m = Manager();
        Assert.False(m.IsFrozen());
        m.Freeze();
        Assert.True(m.IsFrozen());
        m.Thaw();
        Assert.False(m.IsFrozen());
        Assert.Equal(["freezer/mydocker/c1/freezer.state = FROZEN", "freezer/mydocker/c1/freezer.state = THAWED"], fs.TakeWrites());
    }

    [Fact]
    public void Destroy_removes_the_leaves_and_leaves_the_parents_for_the_next_container()
    {
        var m = Manager("/shared/a/b");
        Directory.CreateDirectory(Path.Combine(fs.Root, "cpu/shared/a/b/sub")); // a cgroup the container made under its own
        m.Destroy();
        foreach (var h in fs.Layout.V1)
        {
            Assert.False(Directory.Exists(h.MountPoint + "/shared/a/b"), h.MountPoint);
            Assert.True(Directory.Exists(h.MountPoint + "/shared/a"), h.MountPoint); // as runc leaves /docker
        }
        m.Destroy(); // again: nothing left, no error
    }

    [Fact]
    public void Destroy_of_a_failed_create_removes_the_parents_it_made_but_not_others()
    {
        Directory.CreateDirectory(Path.Combine(fs.Root, "memory/shared"));
        var m = Manager("/shared/a/b");
        Directory.CreateDirectory(Path.Combine(fs.Root, "cpu/shared/a/b/sub"));
        m.Destroy(parentsToo: true);
        foreach (var h in fs.Layout.V1)
        {
            Assert.False(Directory.Exists(h.MountPoint + "/shared/a"), h.MountPoint);
            // /shared existed in memory before: only the other hierarchies' /shared were made by Create.
            Assert.Equal(h.Has("memory"), Directory.Exists(h.MountPoint + "/shared"));
        }
        m.Destroy(parentsToo: true); // again: nothing left, no error
    }

    [Fact]
    public void Destroy_of_a_failed_create_leaves_a_parent_that_another_container_uses()
    {
        var a = Manager("/mydocker/a");
        var b = CgroupManager.For("b", new Linux { CgroupsPath = "/mydocker/b" }, fs.Layout, fs);
        b.Create();
        a.Destroy(parentsToo: true);
        Assert.All(fs.Layout.V1, h => Assert.True(Directory.Exists(h.MountPoint + "/mydocker/b")));
        b.Destroy(parentsToo: true);
        // b did not make /mydocker (a did): a failed create removes only what it made.
        Assert.All(fs.Layout.V1, h => Assert.False(Directory.Exists(h.MountPoint + "/mydocker/b"), h.MountPoint));
        Assert.All(fs.Layout.V1, h => Assert.True(Directory.Exists(h.MountPoint + "/mydocker"), h.MountPoint));
    }

    [Fact]
    public void A_manager_from_a_record_knows_what_create_made()
    {
        var created = CgroupManager.For("c9", new Linux(), fs.Layout, fs);
        created.Create();
        var reopened = CgroupManager.Open("c9", new Linux(), created.Paths, created.CreatedPaths, fs.Layout, fs);
        Assert.Equal(created.Paths, reopened.Paths);
        Assert.Equal(created.CreatedPaths, reopened.CreatedPaths);
        reopened.Destroy(parentsToo: true);
        Assert.All(fs.Layout.V1, h => Assert.False(Directory.Exists(h.MountPoint + "/mydocker"), h.MountPoint));
    }

    [Fact]
    public void A_recorded_path_that_climbs_to_the_hierarchy_root_is_left_alone()
    {
        // A forged state.json: "<pids>/other/.." is the root cgroup, which holds every process of a host.
        using var victim = System.Diagnostics.Process.Start("sleep", "1000");
        try
        {
            string pids = fs.V1Mount("pids");
            File.WriteAllText(Path.Combine(pids, "cgroup.procs"), $"{victim.Id}\n");
            Directory.CreateDirectory(Path.Combine(pids, "other"));
            var m = CgroupManager.Open("c1", new Linux(), [pids + "/other/.."], null, fs.Layout, fs, warnings.Add);
            m.Destroy();
            Assert.False(victim.WaitForExit(100), "delete killed a process of the hierarchy's root cgroup");
            Assert.Equal([$"cgroup directory {pids}/other/.. is in no cgroup hierarchy of this host: left alone"], warnings);
        }
        finally
        {
            victim.Kill();
            victim.WaitForExit();
        }
    }

    [Fact]
    public void Update_writes_only_what_it_is_given()
    {
        var m = Manager();
        m.Update(new Resources { Pids = new Pids { Limit = 3 } });
        Assert.Equal(["pids/mydocker/c1/pids.max = 3"], fs.TakeWrites());
    }

    [Fact]
    public void Relative_paths_are_under_the_runtimes_own_cgroup()
    {
        using var own = FakeCgroupFs.Legacy(ownCgroup: "/user/session");
        var m = CgroupManager.For("c1", new Linux { CgroupsPath = "box/c1" }, own.Layout, own);
        Assert.Equal(own.V1Mount("memory") + "/user/session/box/c1", m.Paths.Single(p => p.StartsWith(own.V1Mount("memory") + "/")));
    }
}
