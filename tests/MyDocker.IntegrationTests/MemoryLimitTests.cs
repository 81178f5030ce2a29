using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// linux.resources.memory.limit at its extremes. The runtime's own thread visits the container's
/// cgroups for the clone (CloneIntoCgroups), so the limit is written once init is in, and a limit
/// below what init already uses is the kernel's to refuse, in one line, as runc says it.
/// </summary>
[Collection("runtime")]
public sealed class MemoryLimitTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    private readonly string top = $"/mydocker-it-{Guid.NewGuid():N}"[..24];

    public void Dispose()
    {
        rt.Dispose();
        foreach (string mount in HostCgroups.Mounts())
            HostCgroups.RemoveAll(mount + top);
    }

    private string Bundle(string id, string[] args, long? limit) => rt.Bundle(args, c =>
    {
        c["linux"]!["cgroupsPath"] = $"{top}/{id}";
        if (limit is long l) c["linux"]!["resources"] = new JsonObject { ["memory"] = new JsonObject { ["limit"] = l } };
    });

    /// <summary>Processes whose /proc/PID/cgroup names our test's cgroup tree.</summary>
    private List<int> ProcessesInOurCgroups() =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(int.Parse!)
            .Where(pid =>
            {
                try { return File.ReadAllText($"/proc/{pid}/cgroup").Contains(top); }
                catch (IOException) { return false; }
            }).ToList();

    [Theory]
    [InlineData(4096L)]
    [InlineData(262144L)]
    public void A_limit_below_what_init_uses_fails_with_one_line_and_leaves_nothing(long limit)
    {
        var r = rt.Mydocker("run", "--bundle", Bundle("tiny", ["sh", "-c", "echo ran"], limit), "tiny");
        Assert.NotEqual(0, r.ExitCode);
        Assert.True(r.ExitCode is > 0 and < 128, r.ToString()); // the runtime was not killed
        Assert.Equal("", r.Stdout);
        var lines = r.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, r.ToString());
        Assert.Matches($"^mydocker: linux.resources.memory.limit: unable to set memory limit to {limit} \\(current usage: [0-9]+, peak usage: [0-9]+\\)$", lines[0]);
        Assert.Empty(rt.ContainerDirs());
        Assert.DoesNotContain(HostCgroups.Mounts(), m => Directory.Exists(m + top + "/tiny"));
        Assert.Empty(ProcessesInOurCgroups());
    }

    [Theory]
    [InlineData(100L << 20)]
    [InlineData(20L << 20)]
    public void A_normal_limit_is_set_and_the_program_runs(long limit)
    {
        var c = rt.Mydocker("create", "--bundle", Bundle("ok", ["sh", "-c", "echo ran; sleep 60"], limit), "ok");
        Assert.True(c.ExitCode == 0, c.ToString());
        Assert.Equal(limit, (long)HostCgroups.Number(HostCgroups.Dir("memory", $"{top}/ok"), "memory.limit_in_bytes"));
        var s = rt.Mydocker("start", "ok");
        Assert.True(s.ExitCode == 0, s.ToString());
        Assert.Equal(0, rt.Mydocker("delete", "--force", "ok").ExitCode);
    }

    [Fact]
    public void Update_below_the_usage_says_the_same()
    {
        var c = rt.Mydocker("run", "-d", "--bundle", Bundle("upd", ["sleep", "60"], 100L << 20), "upd");
        Assert.True(c.ExitCode == 0, c.ToString());
        var u = rt.Mydocker("update", "--memory", "4096", "upd");
        Assert.NotEqual(0, u.ExitCode);
        Assert.Matches("^mydocker: linux.resources.memory.limit: unable to set memory limit to 4096 \\(current usage: [0-9]+, peak usage: [0-9]+\\)\n$", u.Stderr);
        Assert.Equal(100L << 20, (long)HostCgroups.Number(HostCgroups.Dir("memory", $"{top}/upd"), "memory.limit_in_bytes"));
        Assert.Equal("running", JsonNode.Parse(rt.Mydocker("state", "upd").Stdout)!["status"]!.GetValue<string>());
    }
}
