using System.Text.Json;
using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.CgroupTests;

/// <summary>Stats() from interface files with known contents, serialised in runc's `events --stats` shape.</summary>
public sealed class StatsTests
{
    private static string Json(CgroupStats s) =>
        JsonSerializer.Serialize(new CgroupEvent { Type = "stats", Id = "c1", Data = s }, CgroupStatsJsonContext.Default.CgroupEvent);

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
        Assert.Equal("""{"type":"oom","id":"c1"}""", JsonSerializer.Serialize(new CgroupEvent { Type = "oom", Id = "c1" }, CgroupStatsJsonContext.Default.CgroupEvent));
    }

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
