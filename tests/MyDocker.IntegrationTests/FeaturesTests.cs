using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>features.md: `mydocker features` describes this build truthfully.</summary>
[Collection("runtime")]
public sealed class FeaturesTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    [Fact]
    public void Features_lists_what_the_runtime_does()
    {
        var r = rt.Mydocker("features");
        Assert.True(r.ExitCode == 0, r.ToString());
        var f = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("1.0.0", f["ociVersionMin"]!.GetValue<string>());
        Assert.Equal(["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
            f["hooks"]!.AsArray().Select(h => h!.GetValue<string>()));
        var mountOptions = f["mountOptions"]!.AsArray().Select(o => o!.GetValue<string>()).ToList();
        Assert.Contains("rbind", mountOptions);
        Assert.Contains("rslave", mountOptions);
        var ns = f["linux"]!["namespaces"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        foreach (var kind in new[] { "pid", "mount", "uts", "ipc", "network", "user", "cgroup" }) Assert.Contains(kind, ns);
        Assert.Equal(File.Exists("/proc/self/ns/time"), ns.Contains("time"));
        int lastCap = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim());
        Assert.Equal(lastCap + 1, f["linux"]!["capabilities"]!.AsArray().Count);
        Assert.True(f["linux"]!["seccomp"]!["enabled"]!.GetValue<bool>());
        Assert.DoesNotContain("SCMP_ACT_NOTIFY", f["linux"]!["seccomp"]!["actions"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.False(f["linux"]!["mountExtensions"]!["idmap"]!["enabled"]!.GetValue<bool>());
    }
}
