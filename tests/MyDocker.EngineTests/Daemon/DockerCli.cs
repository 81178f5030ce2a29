using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MyDocker.EngineTests.Daemon;

/// <summary>
/// A real docker CLI (Docker's own client: 20.10 from Debian at /usr/bin/docker, 28.x at
/// /usr/local/bin/docker) aimed at the fixture's daemon through DOCKER_HOST.
/// </summary>
public sealed class DockerCli
{
    public const string Debian2010 = "/usr/bin/docker";
    public const string Docker28 = "/usr/local/bin/docker";

    private readonly DaemonFixture _daemon;
    public string Binary { get; }

    public DockerCli(DaemonFixture daemon, string binary)
    {
        if (!File.Exists(binary)) throw new InvalidOperationException($"{binary} is missing: this test needs that docker CLI (scripts/install-deps.sh installs both)");
        _daemon = daemon;
        Binary = binary;
    }

    public RunResult Run(params string[] args) => HostRun.Run(Binary, args, _daemon.ClientEnv());

    public RunResult RunWithTimeout(int timeoutSeconds, params string[] args) => HostRun.Run(Binary, args, _daemon.ClientEnv(), timeoutSeconds: timeoutSeconds);

    /// <summary>Runs and requires exit 0; returns stdout.</summary>
    public string Ok(params string[] args)
    {
        var r = Run(args);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout;
    }

    /// <summary>`docker inspect ID` (the CLI's own decoding of the daemon's answer): the first object of the array.</summary>
    public JsonNode Inspect(string id) => JsonNode.Parse(Ok("inspect", id))!.AsArray()[0]!;

    /// <summary>Polls until <paramref name="done"/> holds (every 100 ms, up to <paramref name="seconds"/>); false if it never did.</summary>
    public static bool Eventually(Func<bool> done, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (done()) return true;
            Thread.Sleep(100);
        }
        return done();
    }
}
