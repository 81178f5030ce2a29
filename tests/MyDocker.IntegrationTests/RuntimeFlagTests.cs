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

    /// <summary>
    /// containerd's shim starts a pod sandbox's `create` with stdin, stdout and stderr closed. The
    /// runtime then opened its own files as fds 0-2 and aborted (status 134) without a word; now it
    /// puts /dev/null there first (StandardFds).
    /// </summary>
    [Fact]
    public void With_stdio_closed_create_works_and_a_failure_still_reaches_the_log()
    {
        string dir = Directory.CreateTempSubdirectory("mydocker-stdio-").FullName;
        try { ClosedStdio(Path.Combine(dir, "log.json")); }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private void ClosedStdio(string log)
    {
        string bundle = rt.Bundle(["true"]);
        var ok = Exec.Run("/bin/sh", ["-c", $"exec 0<&- 1>&- 2>&-; {rt.Binary} --root {rt.Root} --log {log} --log-format json run --bundle {bundle} closed1; echo $? > {log}.rc"]);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal("0", File.ReadAllText(log + ".rc").Trim());

        string bad = rt.Bundle(["true"], c => c["mounts"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject
            { ["destination"] = "/x", ["type"] = "bind", ["source"] = "/nonexistent-source", ["options"] = new System.Text.Json.Nodes.JsonArray("rbind") }));
        Exec.Run("/bin/sh", ["-c", $"exec 0<&- 1>&- 2>&-; {rt.Binary} --root {rt.Root} --log {log} --log-format json create --bundle {bad} closed2; echo $? > {log}.rc"]);
        Assert.Equal("1", File.ReadAllText(log + ".rc").Trim());
        Assert.Contains("\"level\":\"error\",\"msg\":\"mounts[", File.ReadAllText(log));
        Assert.Contains("/nonexistent-source: No such file or directory", File.ReadAllText(log));
    }

    [Fact]
    public void A_new_network_namespace_has_loopback_up()
    {
        var r = rt.Run(["cat", "/sys/class/net/lo/flags"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(1, Convert.ToInt32(r.Stdout.Trim(), 16) & 1); // IFF_UP
    }
}
