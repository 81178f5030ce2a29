using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>runc's create/run flags beyond the basics: --preserve-fds, --no-pivot; and the loopback of a new network namespace.</summary>
[Collection("runtime")]
public sealed class RuntimeFlagTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    [Fact]
    public void Preserve_fds_passes_extra_descriptors_and_no_others()
    {
        string file = Path.Combine(Path.GetTempPath(), $"mydocker-fd-{Guid.NewGuid():N}");
        File.WriteAllText(file, "through fd 3\n");
        try
        {
            string bundle = rt.Bundle(["sh", "-c", "cat <&3; ls /proc/self/fd | tr '\\n' ' '"]);
            var r = Exec.Run("/bin/sh", ["-c", $"exec 3<{file} 4</dev/null; exec {rt.Binary} --root {rt.Root} run --preserve-fds 1 --bundle {bundle} pfd"]);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.StartsWith("through fd 3\n", r.Stdout);
            // 0-2, the preserved 3, and the one ls opens (3 is taken, so 4): the caller's fd 4 did not pass.
            Assert.Equal("0 1 2 3 4 ", r.Stdout.Split('\n')[1]);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void No_pivot_still_confines_the_container_to_its_rootfs()
    {
        string bundle = rt.Bundle(["sh", "-c", "ls / | tr '\\n' ' '; echo; grep -c . /proc/self/mountinfo"]);
        var r = rt.Mydocker("run", "--no-pivot", "--bundle", bundle, "nopivot");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("bin dev etc", r.Stdout);
        Assert.DoesNotContain("work", r.Stdout.Split('\n')[0]);
    }

    [Fact]
    public void A_new_network_namespace_has_loopback_up()
    {
        var r = rt.Run(["cat", "/sys/class/net/lo/flags"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(1, Convert.ToInt32(r.Stdout.Trim(), 16) & 1); // IFF_UP
    }
}
