using System.Diagnostics;

namespace MyDocker.SeccompTests;

/// <summary>
/// SeccompFilter.Load for real, in a child process (`dotnet MyDocker.SeccompTests.dll probe
/// SCENARIO`, see Probe): the filter stays on a process until it exits, so never in the test host.
/// </summary>
public sealed class LoadTests
{
    private sealed record Result(int ExitCode, string Stdout, string Stderr, Dictionary<string, string> Facts)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    private static Result RunProbe(string scenario)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string dll = typeof(Probe).Assembly.Location;
        // ulimit -c 0: a probe killed by SIGSYS must not leave a core dump.
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("ulimit -c 0; exec \"$0\" exec \"$1\" probe \"$2\"");
        psi.ArgumentList.Add(dotnet);
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(scenario);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"probe {scenario} did not finish");
        }
        var facts = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1]);
        return new Result(p.ExitCode, stdout.Result, stderr.Result, facts);
    }

    [Fact]
    public void Errno_rules_fail_the_call_with_the_configured_errno()
    {
        var r = RunProbe("errno");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("13", r.Facts["mkdir"]);     // errnoRet
        Assert.Equal("1", r.Facts["unlink"]);     // no errnoRet: EPERM, not ENOENT
        Assert.Equal("ok", r.Facts["getpid"]);
        Assert.Equal("2", r.Facts["seccomp"]);    // SECCOMP_MODE_FILTER
        Assert.Equal("1", r.Facts["filters"]);
        Assert.Equal("False", r.Facts["exists"]);
    }

    [Fact]
    public void Argument_rules_match_as_runc_does()
    {
        var r = RunProbe("args");
        Assert.True(r.ExitCode == 0, r.ToString());
        // kill: arg0 == self OR arg0 == parent (the same index twice).
        Assert.Equal("42", r.Facts["kill_self"]);
        Assert.Equal("42", r.Facts["kill_parent"]);
        Assert.NotEqual("42", r.Facts["kill_init"]);
        Assert.Equal("45", r.Facts["kill_big"]);            // SCMP_CMP_GT
        // fcntl: arg0 == fdA AND arg1 == F_GETFD.
        Assert.Equal("43", r.Facts["fcntl_a_getfd"]);
        Assert.Equal("0", r.Facts["fcntl_b_getfd"]);
        Assert.Equal("0", r.Facts["fcntl_a_getfl"]);
        // open(at): (flags & O_TRUNC) == O_TRUNC.
        Assert.Equal("44", r.Facts["open_trunc"]);
        Assert.Equal("0", r.Facts["open_plain"]);
    }

    [Fact]
    public void Kill_process_kills_with_sigsys()
    {
        var r = RunProbe("kill");
        Assert.Equal(128 + 31, r.ExitCode); // SIGSYS
        Assert.Equal("yes", r.Facts["loaded"]);
        Assert.False(r.Facts.ContainsKey("survived"), r.ToString());
    }

    [Fact]
    public void Tsync_filters_every_thread_and_without_it_only_the_caller()
    {
        var all = RunProbe("tsync");
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.True(int.Parse(all.Facts["threads"]) > 1, all.ToString());
        Assert.Equal(all.Facts["threads"], all.Facts["filtered"]);

        var one = RunProbe("notsync");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(int.Parse(one.Facts["threads"]) > 1, one.ToString());
        Assert.Equal("1", one.Facts["filtered"]);
    }

    [Fact]
    public void Without_no_new_privs_or_privilege_loading_fails_with_a_hint()
    {
        var r = RunProbe("unprivileged");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("linux.seccomp: loading the filter: Permission denied (without process.noNewPrivileges the filter must be loaded while the process has CAP_SYS_ADMIN)",
            r.Facts["error"]);
    }
}
