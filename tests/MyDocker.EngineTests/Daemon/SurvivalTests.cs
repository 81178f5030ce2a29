using System.Globalization;

namespace MyDocker.EngineTests.Daemon;

/// <summary>
/// Containers outlive the daemon: each runs under its own monitor, which keeps logging while no
/// daemon runs; a new daemon on the same data root finds them running and can stop them.
/// </summary>
[Collection("daemon")]
public class SurvivalTests(DaemonFixture daemon)
{
    private readonly DockerCli _docker = new(daemon, DockerCli.Docker28);

    [Fact]
    public async Task Container_keeps_running_and_logging_across_a_daemon_restart()
    {
        string id = _docker.Ok("run", "-d", DaemonFixture.Image, "sh", "-c", "i=0; while :; do echo $i; i=$((i+1)); sleep 0.2; done").Trim();
        Task<RunResult>? wait = null;
        try
        {
            int pid = (int)_docker.Inspect(id)["State"]!["Pid"]!;
            int monitor = Assert.Single(KernelView.ProcessesMentioning(id), p => File.ReadAllText($"/proc/{p}/cmdline").Contains("monitor"));
            Thread.Sleep(600);

            DateTime down = DateTime.UtcNow;
            daemon.StopDaemon();
            Assert.False(daemon.DaemonRunning);
            Assert.True(KernelView.Alive(pid), $"the container's init {pid} died with the daemon");
            Assert.True(KernelView.Alive(monitor), $"the container's monitor {monitor} died with the daemon");
            Thread.Sleep(1000);
            DateTime up = DateTime.UtcNow;
            daemon.StartDaemon();

            string ps = _docker.Ok("ps", "--no-trunc");
            string line = ps.Split('\n').FirstOrDefault(l => l.StartsWith(id, StringComparison.Ordinal)) ?? "";
            Assert.Contains("Up ", line);
            var state = _docker.Inspect(id)["State"]!;
            Assert.True((bool)state["Running"]!);
            Assert.Equal(pid, (int)state["Pid"]!);

            // Every line, numbered without a gap, and some stamped while no daemon ran.
            var lines = _docker.Ok("logs", "-t", id).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ')).Select(p => (Time: DateTime.Parse(p[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), N: int.Parse(p[1]))).ToList();
            Assert.Equal(Enumerable.Range(0, lines.Count), lines.Select(l => l.N));
            int whileDown = lines.Count(l => l.Time > down && l.Time < up);
            Assert.True(whileDown >= 3, $"{whileDown} log lines stamped between the daemon's stop ({down:O}) and start ({up:O}); the container writes 5 a second");

            wait = Task.Run(() => HostRun.Run(_docker.Binary, ["wait", id], daemon.ClientEnv(), timeoutSeconds: 60));
            Thread.Sleep(500);
            Assert.False(wait.IsCompleted, "docker wait returned while the container ran");
            _docker.Ok("stop", "-t", "1", id); // sh as pid 1 ignores TERM: KILL after 1 s
            var waited = await wait.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(waited.ExitCode == 0, waited.ToString());
            Assert.Equal("137\n", waited.Stdout);
            Assert.Equal(137, (int)_docker.Inspect(id)["State"]!["ExitCode"]!);
            Assert.False(KernelView.Alive(pid), $"init {pid} still runs after docker stop");
            Assert.True(DockerCli.Eventually(() => !KernelView.Alive(monitor), 5), $"monitor {monitor} still runs after the container exited");
        }
        finally
        {
            if (!daemon.DaemonRunning) daemon.StartDaemon();
            _docker.Run("rm", "-f", id);
            if (wait != null) await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(60)));
        }
    }

    /// <summary>
    /// What a daemon killed in the middle leaves is cleared at the next start: a container directory
    /// without container.json (a create cut short: its overlay may still be mounted) and DATA/trash
    /// (directories of removed containers whose deletion had not finished).
    /// </summary>
    [Fact]
    public void A_half_made_container_and_the_trash_are_cleared_at_start()
    {
        string half = Path.Combine(daemon.DataRoot, "containers", new string('e', 64));
        string rootfs = Path.Combine(half, "rootfs");
        string trash = Path.Combine(daemon.DataRoot, "trash", new string('f', 64) + ".1");
        daemon.StopDaemon();
        try
        {
            Directory.CreateDirectory(rootfs);
            HostRun.Ok("mount", ["-t", "tmpfs", "half-made", rootfs]);
            Directory.CreateDirectory(Path.Combine(trash, "upper", "etc"));
            File.WriteAllText(Path.Combine(trash, "upper", "etc", "hostname"), "x\n");
        }
        finally
        {
            daemon.StartDaemon();
        }
        Assert.Empty(KernelView.MountsUnder(half));
        Assert.False(Directory.Exists(half), $"{half} is still there");
        Assert.True(DockerCli.Eventually(() => Directory.GetFileSystemEntries(Path.Combine(daemon.DataRoot, "trash")).Length == 0, 5),
            "left in the trash: " + string.Join(", ", Directory.GetFileSystemEntries(Path.Combine(daemon.DataRoot, "trash"))));
    }

    /// <summary>
    /// SIGTERM stops the daemon at once even while a client waits on a long request (docker wait,
    /// logs -f, attach): the socket file is gone at once, so a daemon still alive for seconds after
    /// can be joined by a second one on the same data root (and, exiting later, delete its socket).
    /// </summary>
    [Fact]
    public async Task Daemon_stops_promptly_on_SIGTERM_while_a_client_waits()
    {
        string id = _docker.Ok("run", "-d", DaemonFixture.Image, "sleep", "60").Trim();
        var wait = Task.Run(() => HostRun.Run(_docker.Binary, ["wait", id], daemon.ClientEnv(), timeoutSeconds: 90));
        try
        {
            Thread.Sleep(500);
            Assert.False(wait.IsCompleted);
            TimeSpan took = daemon.StopDaemon();
            Assert.True(took < TimeSpan.FromSeconds(5), $"the daemon took {took.TotalSeconds:F1}s to exit after SIGTERM with a docker wait pending");
        }
        finally
        {
            if (!daemon.DaemonRunning) daemon.StartDaemon();
            _docker.Run("rm", "-f", id);
            await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(90)));
        }
    }
}
