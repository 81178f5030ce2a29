using MyDocker.Runtime.Cgroups;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.CgroupTests;

/// <summary>Engine-style flags → linux.resources, with one-line errors naming the flag.</summary>
public sealed class ResourceFlagsTests
{
    private static Resources Parse(params string[] pairs) =>
        ResourceFlags.Parse(Enumerable.Range(0, pairs.Length / 2).Select(i => KeyValuePair.Create(pairs[2 * i], pairs[2 * i + 1])));

    private static string Error(params string[] pairs) => Assert.Throws<MyDockerException>(() => Parse(pairs)).Message;

    [Theory]
    [InlineData("100", 100L)]
    [InlineData("100b", 100L)]
    [InlineData("4k", 4096L)]
    [InlineData("100m", 104857600L)]
    [InlineData("100M", 104857600L)]
    [InlineData("100mb", 104857600L)]
    [InlineData("1.5g", 1610612736L)]
    [InlineData("2G", 2147483648L)]
    [InlineData("-1", -1L)]
    public void Memory_sizes(string text, long bytes) => Assert.Equal(bytes, Parse("--memory", text).Memory!.Limit);

    [Theory]
    [InlineData("10x")]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("1..2k")]
    [InlineData("-5m")]
    [InlineData("100000000000g")]
    public void Bad_sizes(string text) =>
        Assert.Equal($"--memory: invalid size \"{text}\" (use a number with b, k, m or g)", Error("--memory", text));

    [Fact]
    public void Every_flag()
    {
        var r = Parse("--memory", "100m", "--memory-swap", "200m", "--memory-reservation", "50m", "--cpu-shares", "512",
            "--cpuset-cpus", "0-1", "--cpuset-mems", "0", "--pids-limit", "20", "--blkio-weight", "300", "memory-swap", "300m");
        Assert.Equal(104857600, r.Memory!.Limit);
        Assert.Equal(314572800, r.Memory.Swap); // the later --memory-swap wins, "--" is optional
        Assert.Equal(52428800, r.Memory.Reservation);
        Assert.Equal(512UL, r.Cpu!.Shares);
        Assert.Equal("0-1", r.Cpu.Cpus);
        Assert.Equal("0", r.Cpu.Mems);
        Assert.Equal(20, r.Pids!.Limit);
        Assert.Equal((ushort)300, r.BlockIO!.Weight);
        Assert.Null(r.Cpu.Quota);
        Assert.Null(r.Devices);
        Assert.Null(r.HugepageLimits);
    }

    [Theory]
    [InlineData("0.5", 50000L)]
    [InlineData("2", 200000L)]
    [InlineData("1.25", 125000L)]
    [InlineData("0", -1L)]
    public void Cpus_become_quota_over_a_100ms_period(string cpus, long quota)
    {
        var r = Parse("--cpus", cpus);
        Assert.Equal(quota, r.Cpu!.Quota);
        Assert.Equal(100000UL, r.Cpu.Period);
    }

    [Fact]
    public void Errors_name_the_flag()
    {
        Assert.Equal("--cpus: invalid value \"half\" (use a number of CPUs, e.g. 0.5)", Error("--cpus", "half"));
        Assert.Equal("--cpus: 0.001 is below the minimum of 0.01 CPU", Error("--cpus", "0.001"));
        Assert.Equal("--cpus: cannot be combined with --cpu-quota or --cpu-period", Error("--cpus", "1", "--cpu-quota", "1000"));
        Assert.Equal("--cpu-shares: invalid value \"-3\" (use a relative weight, e.g. 1024)", Error("--cpu-shares", "-3"));
        Assert.Equal("--cpuset-cpus: invalid CPU list \"0-\" (use e.g. 0-3,5)", Error("--cpuset-cpus", "0-"));
        Assert.Equal("--cpuset-mems: invalid memory node list \"3-1\" (use e.g. 0-3,5)", Error("--cpuset-mems", "3-1"));
        Assert.Equal("--pids-limit: invalid value \"many\" (use a number of processes, 0 or -1 for no limit)", Error("--pids-limit", "many"));
        Assert.Equal("--blkio-weight: invalid weight \"5\" (use 10 to 1000)", Error("--blkio-weight", "5"));
        Assert.Equal("--memory-swap: 1048576 is below --memory 2097152 (the swap limit counts memory + swap)", Error("--memory", "2m", "--memory-swap", "1m"));
        Assert.StartsWith("--nope: not a resource flag (known: --memory, --memory-swap", Error("--nope", "1"));
    }

    [Fact]
    public void Update_with_parsed_flags_writes_only_those()
    {
        using var fs = FakeCgroupFs.Legacy();
        var m = CgroupManager.For("c1", new Linux(), fs.Layout, fs);
        m.Create();
        fs.TakeWrites();
        m.Update(Parse("--cpus", "0.5", "--pids-limit", "20"));
        Assert.Equal(
        [
            "cpu/mydocker/c1/cpu.cfs_period_us = 100000",
            "cpu/mydocker/c1/cpu.cfs_quota_us = 50000",
            "pids/mydocker/c1/pids.max = 20",
        ], fs.TakeWrites());
    }
}
