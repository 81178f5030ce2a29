using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.CgroupTests;

/// <summary>Stats() from interface files with known contents, serialised in runc's `events --stats` shape.</summary>
public sealed class StatsTests
{
    private static string Json(CgroupStats s) => CgroupStatsJson.Write(new CgroupEvent { Type = "stats", Id = "c1", Data = s });

    [Fact]
    public void V1_stats_in_runc_shape()
    {
        using var fs = FakeCgroupFs.Legacy();
        var m = CgroupManager.For("c1", new Linux(), fs.Layout, fs);
        m.Create();
        fs.SetText("cpuacct/mydocker/c1/cpuacct.usage", "3000");
        fs.SetText("cpuacct/mydocker/c1/cpuacct.usage_percpu", "1000 2000 \n");
        fs.SetText("cpuacct/mydocker/c1/cpuacct.usage_percpu_sys", "100 200 \n");
        fs.SetText("cpuacct/mydocker/c1/cpuacct.usage_percpu_user", "900 1800 \n");
        fs.SetText("cpuacct/mydocker/c1/cpuacct.usage_user", "2700");
        fs.SetText("cpuacct/mydocker/c1/cpuacct.usage_sys", "300");
        fs.SetText("cpu/mydocker/c1/cpu.stat", "nr_periods 10\nnr_throttled 4\nthrottled_time 5000\n");
        fs.SetText("memory/mydocker/c1/memory.usage_in_bytes", "104857600");
        fs.SetText("memory/mydocker/c1/memory.max_usage_in_bytes", "104857600");
        fs.SetText("memory/mydocker/c1/memory.limit_in_bytes", "104857600");
        fs.SetText("memory/mydocker/c1/memory.failcnt", "31");
        fs.SetText("memory/mydocker/c1/memory.stat", "cache 4096\nrss 100000\n");
        fs.SetText("memory/mydocker/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        fs.SetText("pids/mydocker/c1/pids.current", "3");
        fs.SetText("pids/mydocker/c1/pids.max", "20");
        fs.SetText("blkio/mydocker/c1/blkio.throttle.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 8192\n8:0 Total 12288\nTotal 12288\n");
        fs.SetText("hugetlb/mydocker/c1/hugetlb.2MB.usage_in_bytes", "2097152");
        fs.SetText("hugetlb/mydocker/c1/hugetlb.2MB.failcnt", "2");

        Assert.Equal(
            """{"type":"stats","id":"c1","data":{"cpu":{"usage":{"total":3000,"percpu":[1000,2000],"percpu_kernel":[100,200],"percpu_user":[900,1800],"kernel":300,"user":2700},"throttling":{"periods":10,"throttledPeriods":4,"throttledTime":5000}}"""
            + ""","cpuset":{"cpus":[0,1],"cpu_exclusive":0,"mems":[0],"mem_hardwall":0,"mem_exclusive":0,"memory_migrate":0,"memory_spread_page":0,"memory_spread_slab":0,"memory_pressure":0,"sched_load_balance":1,"sched_relax_domain_level":-1}"""
            + ""","memory":{"cache":4096,"usage":{"limit":104857600,"usage":104857600,"max":104857600,"failcnt":31},"swap":{"limit":9223372036854771712,"failcnt":0},"kernel":{"limit":9223372036854771712,"failcnt":0},"kernelTCP":{"limit":9223372036854771712,"failcnt":0},"raw":{"cache":4096,"rss":100000,"oom_kill":1}}"""
            + ""","pids":{"current":3,"limit":20},"blkio":{"ioServiceBytesRecursive":[{"major":8,"op":"Read","value":4096},{"major":8,"op":"Write","value":8192},{"major":8,"op":"Total","value":12288}]}"""
            + ""","hugetlb":{"1GB":{"failcnt":0},"2MB":{"usage":2097152,"failcnt":2}},"intel_rdt":{},"network_interfaces":null}}""",
            Json(m.Stats()));
    }

    [Fact]
    public void V2_stats_in_runc_shape()
    {
        using var fs = FakeCgroupFs.Unified();
        var m = CgroupManager.For("c1", new Linux(), fs.Layout, fs);
        m.Create();
        string d = "unified-root/mydocker/c1/";
        fs.SetText(d + "cpu.stat", "usage_usec 3\nuser_usec 2\nsystem_usec 1\nnr_periods 10\nnr_throttled 4\nthrottled_usec 5\n");
        fs.SetText(d + "memory.current", "1000");
        fs.SetText(d + "memory.peak", "2000");
        fs.SetText(d + "memory.max", "4096");
        fs.SetText(d + "memory.swap.current", "10");
        fs.SetText(d + "memory.swap.max", "0");
        fs.SetText(d + "memory.events", "low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\n");
        fs.SetText(d + "memory.stat", "anon 900\nfile 100\n");
        fs.SetText(d + "pids.current", "1");
        fs.SetText(d + "io.stat", "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
        fs.SetText(d + "hugetlb.2MB.events", "max 3\n");

        Assert.Equal(
            """{"type":"stats","id":"c1","data":{"cpu":{"usage":{"total":3000,"kernel":1000,"user":2000},"throttling":{"periods":10,"throttledPeriods":4,"throttledTime":5000}}"""
            + ""","cpuset":{"cpus":[0,1],"cpu_exclusive":0,"mems":[0],"mem_hardwall":0,"mem_exclusive":0,"memory_migrate":0,"memory_spread_page":0,"memory_spread_slab":0,"memory_pressure":0,"sched_load_balance":0,"sched_relax_domain_level":0}"""
            + ""","memory":{"cache":100,"usage":{"limit":4096,"usage":1000,"max":2000,"failcnt":7},"swap":{"limit":4096,"usage":1010,"failcnt":0},"kernel":{"limit":0,"failcnt":0},"kernelTCP":{"limit":0,"failcnt":0},"raw":{"anon":900,"file":100,"oom":2,"oom_kill":1}}"""
            + ""","pids":{"current":1},"blkio":{"ioServiceBytesRecursive":[{"major":8,"op":"Read","value":4096},{"major":8,"op":"Write"}],"ioServicedRecursive":[{"major":8,"op":"Read","value":1},{"major":8,"op":"Write"}]}"""
            + ""","hugetlb":{"1GB":{"failcnt":0},"2MB":{"failcnt":3}},"intel_rdt":{},"network_interfaces":null}}""",
            Json(m.Stats()));
    }

    [Fact]
    public void An_oom_event_has_no_data()
    {
        Assert.Equal("""{"type":"oom","id":"c1"}""", CgroupStatsJson.Write(new CgroupEvent { Type = "oom", Id = "c1" }));
    }

    // The expected texts of the next two tests are what System.Text.Json's serializer (CgroupStatsJsonContext,
    // commit 6b0411f) wrote for the same objects: the hand-written JSON is byte for byte the same.

    [Fact]
    public void Every_field_set_is_written_as_before()
    {
        Assert.Equal(
            """{"type":"stats","id":"c1","data":{"cpu":{"usage":{"total":1,"percpu":[2,3],"percpu_kernel":[4],"percpu_user":[5,6,7],"kernel":8,"user":9},"throttling":{"periods":10,"throttledPeriods":11,"throttledTime":12}}"""
            + ""","cpuset":{"cpus":[0,1,65535],"cpu_exclusive":13,"mems":[0],"mem_hardwall":14,"mem_exclusive":15,"memory_migrate":16,"memory_spread_page":17,"memory_spread_slab":18,"memory_pressure":19,"sched_load_balance":20,"sched_relax_domain_level":-21}"""
            + ""","memory":{"cache":22,"usage":{"limit":18446744073709551615,"usage":23,"max":24,"failcnt":25},"swap":{"limit":26,"usage":27,"max":28,"failcnt":29},"kernel":{"limit":30,"usage":31,"max":32,"failcnt":33},"kernelTCP":{"limit":34,"usage":35,"max":36,"failcnt":37},"raw":{"cache":38,"oom_kill":39,"\u00E9\u003C\u0026\u003E\u0022\u002B":40}}"""
            + ""","pids":{"current":41,"limit":42}"""
            + ""","blkio":{"ioServiceBytesRecursive":[{"major":8,"minor":1,"op":"Read","value":43},{"major":8,"op":"Write"}],"ioServicedRecursive":[{"major":253,"minor":2,"op":"Total","value":44}],"ioQueueRecursive":[{"major":1,"minor":2,"op":"Sync","value":45}],"ioServiceTimeRecursive":[{"major":1,"minor":3,"op":"Async","value":46}],"ioWaitTimeRecursive":[{"major":1,"minor":4,"op":"Discard","value":47}],"ioMergedRecursive":[{"major":1,"minor":5,"op":"Read","value":48}],"ioTimeRecursive":[{"major":1,"minor":6,"value":49}],"sectorsRecursive":[{"major":1,"minor":7,"op":"","value":50}]}"""
            + ""","hugetlb":{"2MB":{"usage":51,"max":52,"failcnt":53},"1GB":{"failcnt":0}},"intel_rdt":{}"""
            + ""","network_interfaces":[{"Name":"eth0","RxBytes":54,"RxPackets":55,"RxErrors":56,"RxDropped":57,"TxBytes":58,"TxPackets":59,"TxErrors":60,"TxDropped":61},{"Name":"","RxBytes":0,"RxPackets":0,"RxErrors":0,"RxDropped":0,"TxBytes":0,"TxPackets":0,"TxErrors":0,"TxDropped":0}]}}""",
            Json(FullyPopulated()));
    }

    [Fact]
    public void Nothing_set_is_written_as_before()
    {
        Assert.Equal(
            """{"type":"stats","id":"\u00E9\u0022","data":{"cpu":{"usage":{"kernel":0,"user":0},"throttling":{}},"cpuset":{"cpu_exclusive":0,"mem_hardwall":0,"mem_exclusive":0,"memory_migrate":0,"memory_spread_page":0,"memory_spread_slab":0,"memory_pressure":0,"sched_load_balance":0,"sched_relax_domain_level":0}"""
            + ""","memory":{"usage":{"limit":0,"failcnt":0},"swap":{"limit":0,"failcnt":0},"kernel":{"limit":0,"failcnt":0},"kernelTCP":{"limit":0,"failcnt":0}},"pids":{},"blkio":{},"hugetlb":{},"intel_rdt":{},"network_interfaces":null}}""",
            CgroupStatsJson.Write(new CgroupEvent { Type = "stats", Id = "é\"", Data = new CgroupStats() }));
    }

    /// <summary>Every field not zero or null, lists of several entries, a key that needs escaping.</summary>
    private static CgroupStats FullyPopulated() => new()
    {
        Cpu = new CpuStats
        {
            Usage = new CpuUsage { Total = 1, Percpu = [2, 3], PercpuKernel = [4], PercpuUser = [5, 6, 7], Kernel = 8, User = 9 },
            Throttling = new Throttling { Periods = 10, ThrottledPeriods = 11, ThrottledTime = 12 },
        },
        CpuSet = new CpusetStats
        {
            Cpus = [0, 1, 65535], CpuExclusive = 13, Mems = [0], MemHardwall = 14, MemExclusive = 15, MemoryMigrate = 16,
            MemorySpreadPage = 17, MemorySpreadSlab = 18, MemoryPressure = 19, SchedLoadBalance = 20, SchedRelaxDomainLevel = -21,
        },
        Memory = new MemoryStats
        {
            Cache = 22,
            Usage = new MemoryEntry { Limit = ulong.MaxValue, Usage = 23, Max = 24, Failcnt = 25 },
            Swap = new MemoryEntry { Limit = 26, Usage = 27, Max = 28, Failcnt = 29 },
            Kernel = new MemoryEntry { Limit = 30, Usage = 31, Max = 32, Failcnt = 33 },
            KernelTCP = new MemoryEntry { Limit = 34, Usage = 35, Max = 36, Failcnt = 37 },
            Raw = new Dictionary<string, ulong> { ["cache"] = 38, ["oom_kill"] = 39, ["é<&>\"+"] = 40 },
        },
        Pids = new PidsStats { Current = 41, Limit = 42 },
        Blkio = new BlkioStats
        {
            IoServiceBytesRecursive = [new BlkioEntry { Major = 8, Minor = 1, Op = "Read", Value = 43 }, new BlkioEntry { Major = 8, Minor = 0, Op = "Write", Value = 0 }],
            IoServicedRecursive = [new BlkioEntry { Major = 253, Minor = 2, Op = "Total", Value = 44 }],
            IoQueuedRecursive = [new BlkioEntry { Major = 1, Minor = 2, Op = "Sync", Value = 45 }],
            IoServiceTimeRecursive = [new BlkioEntry { Major = 1, Minor = 3, Op = "Async", Value = 46 }],
            IoWaitTimeRecursive = [new BlkioEntry { Major = 1, Minor = 4, Op = "Discard", Value = 47 }],
            IoMergedRecursive = [new BlkioEntry { Major = 1, Minor = 5, Op = "Read", Value = 48 }],
            IoTimeRecursive = [new BlkioEntry { Major = 1, Minor = 6, Value = 49 }],
            SectorsRecursive = [new BlkioEntry { Major = 1, Minor = 7, Op = "", Value = 50 }],
        },
        Hugetlb = new Dictionary<string, HugetlbStats>
        {
            ["2MB"] = new HugetlbStats { Usage = 51, Max = 52, Failcnt = 53 },
            ["1GB"] = new HugetlbStats(),
        },
        NetworkInterfaces =
        [
            new NetworkInterfaceStats { Name = "eth0", RxBytes = 54, RxPackets = 55, RxErrors = 56, RxDropped = 57, TxBytes = 58, TxPackets = 59, TxErrors = 60, TxDropped = 61 },
            new NetworkInterfaceStats(),
        ],
    };

    [Theory]
    [InlineData("0-3,5", new ushort[] { 0, 1, 2, 3, 5 })]
    [InlineData("7\n", new ushort[] { 7 })]
    public void Id_lists(string text, ushort[] ids) => Assert.Equal(ids, StatParse.IdList(text));

    [Fact]
    public void Max_is_the_largest_number()
    {
        Assert.Equal(ulong.MaxValue, StatParse.Uint("max\n"));
        Assert.Null(StatParse.Uint(null));
    }
}
