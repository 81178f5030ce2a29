using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.Cgroups.V2;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.CgroupTests;

/// <summary>A unified (cgroup v2 only) host: conversions from the v1-shaped spec, and the exact writes.</summary>
public sealed class V2ManagerTests : IDisposable
{
    private readonly FakeCgroupFs fs = FakeCgroupFs.Unified();
    private readonly List<string> warnings = new();

    public void Dispose() => fs.Dispose();

    private ICgroupManager Manager(string? cgroupsPath = "/mydocker/c1", FakeCgroupFs? on = null)
    {
        on ??= fs;
        var m = CgroupManager.For("c1", new Linux { CgroupsPath = cgroupsPath }, on.Layout, on, warnings.Add);
        m.Create();
        on.TakeWrites();
        return m;
    }

    private List<string> UpdateWrites(Resources r, FakeCgroupFs? on = null)
    {
        var m = Manager(on: on);
        m.Update(r);
        return (on ?? fs).TakeWrites();
    }

    private string Err(Resources r) => Assert.Throws<MyDockerException>(() => UpdateWrites(r)).Message;

    [Fact]
    public void Create_enables_every_offered_controller_down_to_the_parent()
    {
        Assert.Equal(CgroupMode.Unified, fs.Layout.Mode);
        var m = CgroupManager.For("c1", new Linux(), fs.Layout, fs);
        m.Create();
        Assert.Equal([fs.V2Mount + "/mydocker/c1"], m.Paths);
        Assert.Equal(
        [
            "unified-root/cgroup.subtree_control = +cpu +cpuset +hugetlb +io +memory +pids +rdma",
            "unified-root/mydocker/cgroup.subtree_control = +cpu +cpuset +hugetlb +io +memory +pids +rdma",
        ], fs.TakeWrites());
        Assert.Equal("cpu cpuset hugetlb io memory pids rdma", fs.ReadText("unified-root/mydocker/c1/cgroup.controllers"));
        m.Create();
        Assert.Empty(fs.TakeWrites()); // already enabled
    }

    [Fact]
    public void Memory_swap_is_converted_to_swap_max_as_swap_minus_limit()
    {
        Assert.Equal(
        [
            "unified-root/mydocker/c1/memory.swap.max = 104857600",
            "unified-root/mydocker/c1/memory.max = 104857600",
            "unified-root/mydocker/c1/memory.low = 52428800",
        ], UpdateWrites(new Resources { Memory = new Memory { Limit = 104857600, Swap = 209715200, Reservation = 52428800, UseHierarchy = true } }));
        Assert.Equal(
        [
            "unified-root/mydocker/c1/memory.swap.max = max",
            "unified-root/mydocker/c1/memory.max = max",
        ], UpdateWrites(new Resources { Memory = new Memory { Limit = -1 } }));
        Assert.Equal(["unified-root/mydocker/c1/memory.swap.max = 0", "unified-root/mydocker/c1/memory.max = 1000"],
            UpdateWrites(new Resources { Memory = new Memory { Limit = 1000, Swap = 1000 } }));
    }

    [Fact]
    public void At_create_the_memory_limits_wait_until_init_is_in_and_a_limit_below_its_usage_is_refused()
    {
        var m = Manager();
        var r = new Resources { Memory = new Memory { Limit = 104857600, Swap = 209715200, Reservation = 52428800 } };
        m.Apply(r);
        Assert.Equal(["unified-root/mydocker/c1/memory.low = 52428800"], fs.TakeWrites().Where(w => w.Contains("/memory.")));
        m.ApplyMemoryLimits(r);
        Assert.Equal(["unified-root/mydocker/c1/memory.swap.max = 104857600", "unified-root/mydocker/c1/memory.max = 104857600"], fs.TakeWrites());

        // memory.max below memory.current would make the kernel OOM-kill: refused, nothing written.
        fs.SetText("unified-root/mydocker/c1/memory.current", "700416");
        fs.SetText("unified-root/mydocker/c1/memory.peak", "1048576");
        var e = Assert.Throws<MyDockerException>(() => m.ApplyMemoryLimits(new Resources { Memory = new Memory { Limit = 262144 } }));
        Assert.Equal("linux.resources.memory.limit: unable to set memory limit to 262144 (current usage: 700416, peak usage: 1048576)", e.Message);
        e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { Memory = new Memory { Limit = 262144 } }));
        Assert.Equal("linux.resources.memory.limit: unable to set memory limit to 262144 (current usage: 700416, peak usage: 1048576)", e.Message);
        Assert.Empty(fs.TakeWrites());
        // A kernel without memory.peak (before 5.19): the current usage alone.
        File.Delete(Path.Combine(fs.Root, "unified-root/mydocker/c1/memory.peak"));
        Assert.Equal("linux.resources.memory.limit: unable to set memory limit to 262144 (current usage: 700416)",
            Assert.Throws<MyDockerException>(() => m.ApplyMemoryLimits(new Resources { Memory = new Memory { Limit = 262144 } })).Message);
    }

    [Fact]
    public void Memory_knobs_v2_does_not_have_are_errors()
    {
        Assert.Equal("linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness", Err(new Resources { Memory = new Memory { Swappiness = 10 } }));
        Assert.Equal("linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer", Err(new Resources { Memory = new Memory { DisableOOMKiller = true } }));
        Assert.Equal("linux.resources.memory.useHierarchy: cgroup v2 is always hierarchical", Err(new Resources { Memory = new Memory { UseHierarchy = false } }));
        Assert.Equal("linux.resources.memory.swap: cgroup v2 limits swap apart from memory, so a swap limit needs a memory limit (linux.resources.memory.limit)",
            Err(new Resources { Memory = new Memory { Swap = 1000 } }));
        Assert.Equal("linux.resources.memory.swap: 500 is below linux.resources.memory.limit 1000 (the spec's swap counts memory + swap)",
            Err(new Resources { Memory = new Memory { Limit = 1000, Swap = 500 } }));
    }

    [Fact]
    public void Cpu_shares_become_weight_and_quota_period_become_cpu_max()
    {
        Assert.Equal(
        [
            "unified-root/mydocker/c1/cpu.weight = 39",
            "unified-root/mydocker/c1/cpu.max = 50000 100000",
            "unified-root/mydocker/c1/cpu.max.burst = 1000",
            "unified-root/mydocker/c1/cpu.idle = 1",
        ], UpdateWrites(new Resources { Cpu = new Cpu { Shares = 1024, Quota = 50000, Period = 100000, Burst = 1000, Idle = 1 } }));
        Assert.Equal(["unified-root/mydocker/c1/cpu.max = max"], UpdateWrites(new Resources { Cpu = new Cpu { Quota = -1 } }));
        Assert.Equal(["unified-root/mydocker/c1/cpu.max = max 50000"], UpdateWrites(new Resources { Cpu = new Cpu { Period = 50000 } }));
        Assert.Equal(["unified-root/mydocker/c1/cpu.max = 20000"], UpdateWrites(new Resources { Cpu = new Cpu { Quota = 20000 } }));
    }

    [Theory]
    [InlineData(2UL, 1UL)]
    [InlineData(1024UL, 39UL)]
    [InlineData(262144UL, 10000UL)]
    [InlineData(1UL, 1UL)]          // clamped to 2 first
    [InlineData(1000000UL, 10000UL)] // clamped to 262144
    public void Shares_to_weight(ulong shares, ulong weight) => Assert.Equal(weight, CpuController.SharesToWeight(shares));

    [Theory]
    [InlineData(10UL, 1UL)]
    [InlineData(500UL, 4950UL)]
    [InlineData(1000UL, 10000UL)]
    public void Blkio_weight_to_io_weight(ulong blkio, ulong io) => Assert.Equal(io, IoController.BlkioToIoWeight(blkio));

    [Fact]
    public void Realtime_cpu_is_an_error()
    {
        Assert.Equal("linux.resources.cpu.realtimeRuntime: cgroup v2 has no real-time CPU group scheduling", Err(new Resources { Cpu = new Cpu { RealtimeRuntime = 1000 } }));
    }

    [Fact]
    public void Cpuset_and_pids()
    {
        Assert.Equal(
        [
            "unified-root/mydocker/c1/cpuset.cpus = 0",
            "unified-root/mydocker/c1/cpuset.mems = 0",
            "unified-root/mydocker/c1/pids.max = 20",
        ], UpdateWrites(new Resources { Cpu = new Cpu { Cpus = "0", Mems = "0" }, Pids = new Pids { Limit = 20 } }));
    }

    [Fact]
    public void Io_without_bfq_converts_weights_and_throttles_with_io_max()
    {
        Assert.Equal(
        [
            "unified-root/mydocker/c1/io.weight = 4950",
            "unified-root/mydocker/c1/io.weight = 8:0 10000",
            "unified-root/mydocker/c1/io.max = 8:0 rbps=1048576",
            "unified-root/mydocker/c1/io.max = 8:0 wbps=2097152",
            "unified-root/mydocker/c1/io.max = 8:16 riops=100",
            "unified-root/mydocker/c1/io.max = 8:16 wiops=max",
        ], UpdateWrites(new Resources
        {
            BlockIO = new BlockIO
            {
                Weight = 500,
                WeightDevice = [new WeightDevice { Major = 8, Minor = 0, Weight = 1000 }],
                ThrottleReadBpsDevice = [new ThrottleDevice { Major = 8, Minor = 0, Rate = 1048576 }],
                ThrottleWriteBpsDevice = [new ThrottleDevice { Major = 8, Minor = 0, Rate = 2097152 }],
                ThrottleReadIOPSDevice = [new ThrottleDevice { Major = 8, Minor = 16, Rate = 100 }],
                ThrottleWriteIOPSDevice = [new ThrottleDevice { Major = 8, Minor = 16, Rate = 0 }],
            },
        }));
        Assert.Equal("linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weight", Err(new Resources { BlockIO = new BlockIO { LeafWeight = 100 } }));
    }

    [Fact]
    public void Io_with_bfq_takes_the_blkio_weight_as_it_is()
    {
        using var bfq = FakeCgroupFs.Unified(ioBfq: true);
        Assert.Equal(
        [
            "unified-root/mydocker/c1/io.bfq.weight = 500",
            "unified-root/mydocker/c1/io.bfq.weight = 8:0 1000",
        ], UpdateWrites(new Resources { BlockIO = new BlockIO { Weight = 500, WeightDevice = [new WeightDevice { Major = 8, Minor = 0, Weight = 1000 }] } }, bfq));
    }

    [Fact]
    public void Hugetlb_and_rdma()
    {
        Assert.Equal(
        [
            "unified-root/mydocker/c1/hugetlb.2MB.max = 2097152",
            "unified-root/mydocker/c1/hugetlb.2MB.rsvd.max = 2097152",
            "unified-root/mydocker/c1/rdma.max = mlx4_0 hca_object=10",
        ], UpdateWrites(new Resources
        {
            HugepageLimits = [new HugepageLimit { PageSize = "2MB", Limit = 2097152 }],
            Rdma = new() { ["mlx4_0"] = new Rdma { HcaObjects = 10 } },
        }));
    }

    [Fact]
    public void Network_fields_are_errors_on_v2()
    {
        Assert.Equal("linux.resources.network.classID: cgroup v2 has no net_cls controller (it exists only in cgroup v1)", Err(new Resources { Network = new Network { ClassID = 1 } }));
        Assert.Equal("linux.resources.network.priorities: cgroup v2 has no net_prio controller (it exists only in cgroup v1)",
            Err(new Resources { Network = new Network { Priorities = [new InterfacePriority { Name = "lo", Priority = 1 }] } }));
    }

    [Fact]
    public void A_controller_the_parent_does_not_enable_is_an_error()
    {
        using var few = FakeCgroupFs.Unified("cpu memory");
        var m = Manager(on: few);
        var e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { Pids = new Pids { Limit = 10 } }));
        Assert.Equal($"linux.resources.pids.limit: the pids controller is not enabled for {few.V2Mount}/mydocker/c1 (its cgroup.controllers has: cpu memory)", e.Message);
    }

    [Fact]
    public void Devices_are_an_ebpf_program_on_the_cgroup()
    {
        var m = Manager();
        m.Apply(new Resources { Devices = [new DeviceCgroupRule { Allow = false, Access = "rwm" }] });
        var w = fs.TakeWrites();
        Assert.Single(w);
        Assert.StartsWith("unified-root/mydocker/c1/[bpf] = 0: r2 = *(u32 *)(r1 + 0)", w[0]);
        // The last rule (tun, c 10:200 rwm) is checked first, right after the 6-instruction prologue.
        Assert.Contains("6: if r2 != 2 goto +4\n7: if r4 != 10 goto +3\n8: if r5 != 200 goto +2\n9: w0 = 1\n10: exit\n", w[0]);
        Assert.Matches(@"w0 = 0\n\d+: exit\n$", w[0]); // nothing matched: deny
    }

    [Fact]
    public void Unified_keys_are_written_last_as_they_are()
    {
        Assert.Equal(
        [
            "unified-root/mydocker/c1/pids.max = 10",
            "unified-root/mydocker/c1/memory.high = 50000000",
            "unified-root/mydocker/c1/memory.min = 1000",
        ], UpdateWrites(new Resources { Pids = new Pids { Limit = 10 }, Unified = new() { ["memory.min"] = "1000", ["memory.high"] = "50000000" } }));
        Assert.Equal($"linux.resources.unified.memory.nosuch: {fs.V2Mount}/mydocker/c1 has no such interface file",
            Err(new Resources { Unified = new() { ["memory.nosuch"] = "1" } }));
        Assert.Equal("linux.resources.unified.cgroup.procs: not a resource setting (the runtime manages cgroup.procs)",
            Err(new Resources { Unified = new() { ["cgroup.procs"] = "1" } }));
        Assert.Equal("linux.resources.unified.../x: not a cgroup interface file name", Err(new Resources { Unified = new() { ["../x"] = "1" } }));
    }

    [Fact]
    public void Unified_key_of_a_controller_not_enabled()
    {
        using var few = FakeCgroupFs.Unified("cpu");
        var m = Manager(on: few);
        var e = Assert.Throws<MyDockerException>(() => m.Update(new Resources { Unified = new() { ["memory.high"] = "1" } }));
        Assert.Equal($"linux.resources.unified.memory.high: the memory controller is not enabled for {few.V2Mount}/mydocker/c1", e.Message);
    }

    [Fact]
    public void Freeze_uses_cgroup_freeze_and_waits_for_frozen_in_cgroup_events()
    {
        var m = Manager();
        m.Freeze();
        Assert.True(m.IsFrozen());
        m.Thaw();
        Assert.False(m.IsFrozen());
        Assert.Equal(["unified-root/mydocker/c1/cgroup.freeze = 1", "unified-root/mydocker/c1/cgroup.freeze = 0"], fs.TakeWrites());
    }

    [Fact]
    public void Kill_all_with_sigkill_uses_cgroup_kill()
    {
        var m = Manager();
        m.Signal(9);
        Assert.Equal(["unified-root/mydocker/c1/cgroup.kill = 1"], fs.TakeWrites());
    }

    [Fact]
    public void Relative_paths_go_under_the_parent_of_the_runtimes_cgroup()
    {
        using var own = FakeCgroupFs.Unified(ownCgroup: "/user.slice/session-1.scope");
        var m = CgroupManager.For("c1", new Linux { CgroupsPath = "box/c1" }, own.Layout, own);
        Assert.Equal([own.V2Mount + "/user.slice/box/c1"], m.Paths);
    }

    [Fact]
    public void Destroy_removes_the_container_and_a_failed_create_what_it_made()
    {
        var m = Manager();
        m.Destroy();
        Assert.False(Directory.Exists(fs.V2Mount + "/mydocker/c1"));
        Assert.True(Directory.Exists(fs.V2Mount + "/mydocker"));
        m.Destroy(parentsToo: true);
        Assert.False(Directory.Exists(fs.V2Mount + "/mydocker"));
        Assert.True(Directory.Exists(fs.V2Mount));
    }
}
