namespace MyDocker.EngineTests.Daemon;

/// <summary>
/// Who may use the socket: the kernel refuses a user outside group mydocker (the socket is 0660
/// root:mydocker); the daemon lets a member that is not root run containers, but not turn off the
/// user namespace, ask for --privileged or bind-mount a host path it could not write itself (403).
/// </summary>
[Collection("daemon")]
public class PermissionTests(DaemonFixture daemon)
{
    private const int Nobody = 65534;

    [Fact]
    public void User_outside_the_group_is_refused_by_the_kernel()
    {
        Assert.DoesNotContain("nobody", GroupMembers("mydocker"));
        // nobody can reach the socket (every directory on the way is searchable): it is the socket's mode that refuses.
        var reach = AsUser(Nobody.ToString(), "stat", "-c", "%a %U %G", daemon.Socket);
        Assert.True(reach.ExitCode == 0, reach.ToString());
        Assert.Equal("660 root mydocker\n", reach.Stdout);

        var cli = AsUser(Nobody.ToString(), DockerCli.Docker28, "ps");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("permission denied", cli.Stderr);
        var curl = AsUser(Nobody.ToString(), "curl", "-sS", "--unix-socket", daemon.Socket, "http://docker/_ping");
        Assert.True(curl.ExitCode == 7, curl.ToString()); // couldn't connect (connect() got EACCES, which the CLI printed above)
    }

    [Fact]
    public void Group_member_runs_containers_but_gets_403_for_host_access()
    {
        string user = "mdat" + Guid.NewGuid().ToString("N")[..6];
        HostRun.Ok("useradd", ["-M", "-s", "/bin/sh", "-G", "mydocker", user]);
        try
        {
            Assert.Contains(user, GroupMembers("mydocker"));
            var ok = AsUser(user, DockerCli.Docker28, "run", "--rm", DaemonFixture.Image, "sh", "-c", "echo hi; id -u");
            Assert.True(ok.ExitCode == 0, ok.ToString());
            Assert.Equal("hi\n0\n", ok.Stdout);

            int before = Containers();
            foreach (var (flags, body) in new (string[] Flags, string Body)[]
            {
                (["--userns", "host"], """{"Image":"busybox:latest","Cmd":["true"],"HostConfig":{"UsernsMode":"host"}}"""),
                (["--privileged"], """{"Image":"busybox:latest","Cmd":["true"],"HostConfig":{"Privileged":true}}"""),
                (["-v", "/root:/x"], """{"Image":"busybox:latest","Cmd":["true"],"HostConfig":{"Binds":["/root:/x"]}}"""),
            })
            {
                var cli = AsUser(user, DockerCli.Docker28, ["run", "--rm", .. flags, DaemonFixture.Image, "true"]);
                Assert.True(cli.ExitCode == 125, $"{string.Join(' ', flags)}: {cli}");
                Assert.Contains("refused", cli.Stderr);
                var curl = AsUser(user, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", daemon.Socket,
                    "-H", "Content-Type: application/json", "-d", body, "http://docker/v1.41/containers/create");
                Assert.True(curl.Stdout == "403", $"{body}: {curl}");
            }
            Assert.Equal(before, Containers());
        }
        finally
        {
            HostRun.Run("userdel", [user]);
        }
        Assert.DoesNotContain(user, File.ReadAllText("/etc/passwd"));
    }

    /// <summary>Runs a program as another user (setpriv: real and effective ids, that user's groups), with the fixture's DOCKER_HOST.</summary>
    private RunResult AsUser(string user, string program, params string[] args)
    {
        string uid = int.TryParse(user, out _) ? user : HostRun.Ok("id", ["-u", user]).Stdout.Trim();
        string gid = int.TryParse(user, out _) ? user : HostRun.Ok("id", ["-g", user]).Stdout.Trim();
        var env = daemon.ClientEnv();
        env["HOME"] = "/nonexistent";
        env["DOCKER_CONFIG"] = "/nonexistent/.docker";
        return HostRun.Run("setpriv", [$"--reuid={uid}", $"--regid={gid}", "--init-groups", program, .. args], env);
    }

    private int Containers() => daemon.Api("GET", "/v1.41/containers/json?all=1").Json!.AsArray().Count;

    private static string[] GroupMembers(string group) =>
        File.ReadLines("/etc/group").Select(l => l.Split(':')).FirstOrDefault(f => f[0] == group) is { Length: 4 } f
            ? f[3].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
}
