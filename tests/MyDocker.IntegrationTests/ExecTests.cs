using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>`mydocker exec`: another process in every namespace of a running container (runc's exec).</summary>
[Collection("runtime")]
public sealed class ExecTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    private int StartSleeper(string id, Action<JsonObject>? edit = null)
    {
        var r = rt.Mydocker("run", "-d", "--bundle", rt.Bundle(["sleep", "60"], edit), id);
        Assert.True(r.ExitCode == 0, r.ToString());
        return NamespaceTests.StatePid(rt.Mydocker("state", id).Stdout);
    }

    [Fact]
    public void Exec_joins_every_namespace_of_the_container()
    {
        int pid = StartSleeper("x1");
        string[] kinds = ["pid", "mnt", "uts", "ipc", "net"];
        var r = rt.Mydocker(["exec", "x1", "sh", "-c", string.Join("; ", kinds.Select(k => $"readlink /proc/self/ns/{k}")) + "; hostname"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Trim().Split('\n');
        for (int i = 0; i < kinds.Length; i++)
            Assert.Equal(new FileInfo($"/proc/{pid}/ns/{kinds[i]}").LinkTarget, lines[i]);
        Assert.Equal("mydocker", lines[^1]);
    }

    [Fact]
    public void Exec_sees_the_containers_processes_and_filesystem()
    {
        StartSleeper("x2");
        var r = rt.Mydocker("exec", "x2", "sh", "-c", "ps -o pid,comm; grep -c . /proc/self/mountinfo");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("1 sleep", r.Stdout);
        Assert.DoesNotContain("dotnet", r.Stdout);
    }

    [Fact]
    public void Exec_exit_code_env_user_and_cwd()
    {
        StartSleeper("x3");
        var r = rt.Mydocker("exec", "--user", "1000:1001", "--env", "FOO=bar", "--cwd", "/tmp", "x3",
            "sh", "-c", "echo $(id -u) $(id -g) $(pwd) $FOO; exit 7");
        Assert.Equal(7, r.ExitCode);
        Assert.Equal("1000 1001 /tmp bar\n", r.Stdout);
    }

    [Fact]
    public void Exec_takes_a_process_json()
    {
        StartSleeper("x4");
        string file = Path.Combine(Path.GetTempPath(), $"mydocker-process-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{"cwd":"/etc","args":["sh","-c","pwd; echo $A"],"env":["A=from-json"],"user":{"uid":0,"gid":0}}""");
        try
        {
            var r = rt.Mydocker("exec", "--process", file, "x4");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal("/etc\nfrom-json\n", r.Stdout);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Exec_detached_writes_its_pid_file_and_keeps_running()
    {
        int initPid = StartSleeper("x5");
        string pidFile = Path.Combine(Path.GetTempPath(), $"mydocker-exec-{Guid.NewGuid():N}.pid");
        try
        {
            var r = rt.Mydocker("exec", "--detach", "--pid-file", pidFile, "x5", "sleep", "30");
            Assert.True(r.ExitCode == 0, r.ToString());
            int pid = int.Parse(File.ReadAllText(pidFile));
            Assert.StartsWith("sleep", File.ReadAllText($"/proc/{pid}/cmdline"));
            Assert.Equal(new FileInfo($"/proc/{initPid}/ns/pid").LinkTarget, new FileInfo($"/proc/{pid}/ns/pid").LinkTarget);
        }
        finally { File.Delete(pidFile); }
    }

    [Fact]
    public void Exec_in_a_user_namespace_container_is_root_of_that_namespace()
    {
        StartSleeper("x6", c =>
        {
            c["linux"]!["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
            c["linux"]!["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
            c["linux"]!["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
            c["mounts"] = new JsonArray(c["mounts"]!.AsArray().Where(m => m!["type"]!.GetValue<string>() != "sysfs").Select(m => m!.DeepClone()).ToArray());
        });
        var r = rt.Mydocker("exec", "x6", "sh", "-c", "id -u; cat /proc/self/uid_map");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Trim().Split('\n');
        Assert.Equal("0", lines[0]);
        Assert.Equal("0 100000 65536", string.Join(' ', lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void Exec_into_a_stopped_or_unknown_container_is_an_error()
    {
        Assert.Equal(0, rt.Mydocker("create", "--bundle", rt.Bundle(["true"]), "x7").ExitCode);
        Assert.Equal(0, rt.Mydocker("start", "x7").ExitCode);
        LifecycleTests.WaitFor(() => rt.Mydocker("state", "x7").Stdout.Contains("\"stopped\""));
        var r = rt.Mydocker("exec", "x7", "true");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("mydocker: cannot exec in container \"x7\": it is stopped\n", r.Stderr);
        Assert.Equal("mydocker: container \"nope\" does not exist\n", rt.Mydocker("exec", "nope", "true").Stderr);
    }

    [Fact]
    public void Exec_with_a_tty_gives_a_terminal()
    {
        StartSleeper("x8");
        string cmd = $"{rt.Binary} --root {rt.Root} exec -t x8 sh -c 'tty; stty size; exit 4'";
        var r = Exec.Run("/usr/bin/script", ["-qec", $"stty rows 25 cols 90; {cmd}", "/dev/null"]);
        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.Contains("/dev/pts/", r.Stdout);
        Assert.Contains("25 90", r.Stdout);
    }
}
