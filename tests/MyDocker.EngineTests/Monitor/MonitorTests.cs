using System.Text;
using MyDocker.Engine.Monitor;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using Xunit.Abstractions;

namespace MyDocker.EngineTests.Monitor;

/// <summary>
/// The monitor with real containers: `mydocker-engine monitor` started through MonitorLauncher runs
/// out/mydocker create, the test runs `mydocker start`, and checks what the kernel and the files show.
/// </summary>
[Collection("monitor")]
public class MonitorTests(MonitorFixture f, ITestOutputHelper output)
{
    /// <summary>All frames until frame 3; returns stdout, stderr and the exit code.</summary>
    private static (string Stdout, string Stderr, int ExitCode) ReadAll(AttachClient client)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        while (client.ReadFrame() is AttachFrame frame)
        {
            switch (frame.Type)
            {
                case AttachProtocol.Stdout: stdout.Append(Encoding.UTF8.GetString(frame.Payload)); break;
                case AttachProtocol.Stderr: stderr.Append(Encoding.UTF8.GetString(frame.Payload)); break;
                case AttachProtocol.Exited:
                    Assert.Null(client.ReadFrame()); // the monitor closes after frame 3
                    return (stdout.ToString(), stderr.ToString(), frame.ExitCode);
            }
        }
        throw new Xunit.Sdk.XunitException($"connection closed without frame 3; got stdout {stdout}, stderr {stderr}");
    }

    [Fact]
    public void Output_goes_to_the_log_and_to_attached_clients_with_its_stream_and_the_exit_code()
    {
        using var c = new MonitorTestContainer(f, ["sh", "-c", "echo out; echo err >&2; exit 3"], terminal: false);
        var started = c.Launch(c.Request());
        Assert.True(started.InitPid > 0);
        Assert.Equal(started.InitPid.ToString(), File.ReadAllText(c.Paths.ProcessPidFile).Trim());
        using var client = AttachClient.Connect(c.Paths.AttachSocket);
        c.Start();

        var (stdout, stderr, code) = ReadAll(client);
        Assert.Equal("out\n", stdout);
        Assert.Equal("err\n", stderr);
        Assert.Equal(3, code);

        var exit = MonitorTestContainer.WaitForExit(c.Paths.ExitFile);
        Assert.Equal(3, exit.ExitCode);
        Assert.Equal(0, exit.Signal);
        Assert.Equal(started.InitPid, exit.Pid);
        Assert.True(Math.Abs((DateTime.UtcNow - exit.FinishedAt).TotalSeconds) < 60);

        string[] lines = File.ReadAllLines(c.Paths.Log);
        Assert.Equal(2, lines.Length);
        Assert.Matches("""^\{"log":"(out|err)\\n","stream":"(stdout|stderr)","time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"\}$""", lines[0]);
        var entries = LogReader.Read(c.Paths, new LogReadOptions()).ToList();
        Assert.Contains(entries, e => e.Stream == "stdout" && Encoding.UTF8.GetString(e.Bytes) == "out\n");
        Assert.Contains(entries, e => e.Stream == "stderr" && Encoding.UTF8.GetString(e.Bytes) == "err\n");
        Assert.Equal(["err\n"], LogReader.Read(c.Paths, new LogReadOptions { Stdout = false }).Select(e => Encoding.UTF8.GetString(e.Bytes)));

        // The monitor goes once its clients have the end; the sockets go with it.
        MonitorTestContainer.WaitGone(started.MonitorPid);
        Assert.False(File.Exists(c.Paths.AttachSocket));
        Assert.False(File.Exists(c.Paths.ConsoleSocket));
        Assert.Equal(started.MonitorPid.ToString(), File.ReadAllText(c.Paths.MonitorPidFile).Trim());
    }

    [Fact]
    public void Stdin_from_a_client_reaches_the_container_and_close_stdin_ends_it()
    {
        using var c = new MonitorTestContainer(f, ["cat"], terminal: false);
        c.Launch(c.Request(stdin: true));
        using var client = AttachClient.Connect(c.Paths.AttachSocket);
        c.Start();

        client.SendStdin("hello monitor\n"u8);
        var frame = client.ReadFrame();
        Assert.NotNull(frame);
        Assert.Equal(AttachProtocol.Stdout, frame.Value.Type);
        Assert.Equal("hello monitor\n", Encoding.UTF8.GetString(frame.Value.Payload));
        client.CloseStdin();
        var (_, _, code) = ReadAll(client);
        Assert.Equal(0, code);
        Assert.Equal(0, MonitorTestContainer.WaitForExit(c.Paths.ExitFile).ExitCode);
    }

    [Fact]
    public void A_tty_container_gets_the_size_a_client_sets_and_its_output_is_logged()
    {
        // `read` waits until the resize frame, sent first on the same connection, has been applied.
        using var c = new MonitorTestContainer(f, ["sh", "-c", "read x; stty size; exit 7"], terminal: true);
        var started = c.Launch(c.Request(tty: true, stdin: true));
        using var client = AttachClient.Connect(c.Paths.AttachSocket);
        c.Start();

        client.Resize(41, 123);
        client.SendStdin("go\n"u8);
        var (stdout, stderr, code) = ReadAll(client);
        Assert.Contains("41 123", stdout);
        Assert.Equal("", stderr); // a terminal has one stream
        Assert.Equal(7, code);

        var exit = MonitorTestContainer.WaitForExit(c.Paths.ExitFile);
        Assert.Equal(7, exit.ExitCode);
        string log = string.Concat(LogReader.Read(c.Paths, new LogReadOptions()).Select(e => e.Stream + ":" + Encoding.UTF8.GetString(e.Bytes)));
        Assert.Contains("stdout:41 123\r\n", log); // the pty's output processing turns \n into \r\n
        Assert.DoesNotContain("stderr:", log);
        MonitorTestContainer.WaitGone(started.MonitorPid);
        Assert.False(File.Exists(c.Paths.ConsoleSocket));
    }

    [Fact]
    public void The_monitor_is_our_child_in_a_session_of_its_own_and_a_subreaper_that_stays_small()
    {
        using var c = new MonitorTestContainer(f, ["sleep", "100"], terminal: false);
        var started = c.Launch(c.Request());
        c.Start();
        int monitor = started.MonitorPid;
        Assert.Equal(monitor, Libc.GetSid(monitor));
        string status = File.ReadAllText($"/proc/{monitor}/status");
        int ppid = int.Parse(status.Split('\n').First(l => l.StartsWith("PPid:"))[5..].Trim());
        Assert.Equal(Environment.ProcessId, ppid); // the launcher's child (the daemon's, in the engine), in a session of its own
        // init was reparented to the monitor when `mydocker create` exited.
        string initStatus = File.ReadAllText($"/proc/{started.InitPid}/status");
        Assert.Contains($"PPid:\t{monitor}\n", initStatus);
        string rss = status.Split('\n').First(l => l.StartsWith("VmRSS:"));
        output.WriteLine($"monitor {monitor} ({f.MonitorBinary}) while the container runs: {rss}");
    }

    [Fact]
    public void A_container_killed_by_SIGKILL_exits_137()
    {
        using var c = new MonitorTestContainer(f, ["sleep", "100"], terminal: false);
        c.Launch(c.Request());
        using var client = AttachClient.Connect(c.Paths.AttachSocket);
        c.Start();
        c.Runtime("kill", c.Id, "KILL");
        var (_, _, code) = ReadAll(client);
        Assert.Equal(137, code);
        var exit = MonitorTestContainer.WaitForExit(c.Paths.ExitFile);
        Assert.Equal(137, exit.ExitCode);
        Assert.Equal(9, exit.Signal);
    }

    [Fact]
    public void A_create_that_fails_is_reported_with_the_runtimes_own_line_and_leaves_nothing()
    {
        using var c = new MonitorTestContainer(f, ["/nonexistent/prog"], terminal: false);
        var e = Assert.Throws<MyDockerException>(() => c.Launch(c.Request()));
        Assert.Equal("process.args[0]: \"/nonexistent/prog\": no such file or directory", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(c.Dir)); // no socket, no pid file, no log
        WaitNoMonitor(c);
        Assert.DoesNotContain(c.Id, c.Runtime("list", "--quiet"));
    }

    private static int WaitNoMonitor(MonitorTestContainer c)
    {
        // The failed monitor exits right after its report; give it a moment, then none may be left.
        for (int i = 0; i < 100 && c.ProcessesMentioningDir().Count > 0; i++) Thread.Sleep(20);
        Assert.Empty(c.ProcessesMentioningDir());
        return 0;
    }

    [Fact]
    public void A_tty_create_that_fails_is_reported_too()
    {
        using var c = new MonitorTestContainer(f, ["/nonexistent/prog"], terminal: true);
        var e = Assert.Throws<MyDockerException>(() => c.Launch(c.Request(tty: true)));
        Assert.Equal("process.args[0]: \"/nonexistent/prog\": no such file or directory", e.Message);
        WaitNoMonitor(c);
        Assert.Empty(Directory.GetFileSystemEntries(c.Dir));
    }

    [Fact]
    public void An_exec_has_its_own_log_and_exit_code()
    {
        using var c = new MonitorTestContainer(f, ["sleep", "100"], terminal: false);
        c.Launch(c.Request());
        c.Start();

        var hi = c.Launch(c.Request() with { ExecProcessFile = c.WriteExecProcess(["sh", "-c", "echo hi; echo oops >&2; exit 5"]), ExecId = "e1" });
        var paths = new MonitorPaths(c.Dir, "e1");
        var exit = MonitorTestContainer.WaitForExit(paths.ExitFile);
        Assert.Equal(5, exit.ExitCode);
        Assert.Equal(hi.InitPid, exit.Pid);
        var entries = LogReader.Read(paths, new LogReadOptions()).Select(e => e.Stream + ":" + Encoding.UTF8.GetString(e.Bytes)).ToList();
        Assert.Contains("stdout:hi\n", entries);
        Assert.Contains("stderr:oops\n", entries);
        MonitorTestContainer.WaitGone(hi.MonitorPid);
        Assert.False(File.Exists(paths.AttachSocket));

        // The container itself runs on, untouched.
        Assert.Null(ExitFile.Read(c.Dir));
        Assert.True(File.Exists(c.Paths.AttachSocket));
    }

    [Fact]
    public void An_exec_attached_with_stdin_gets_it()
    {
        using var c = new MonitorTestContainer(f, ["sleep", "100"], terminal: false);
        c.Launch(c.Request());
        c.Start();
        var req = c.Request(stdin: true) with { ExecProcessFile = c.WriteExecProcess(["cat"]), ExecId = "cat" };
        c.Launch(req);
        using var client = AttachClient.Connect(new MonitorPaths(c.Dir, "cat").AttachSocket);
        client.SendStdin("via exec\n"u8);
        client.CloseStdin();
        var (stdout, _, code) = ReadAll(client);
        Assert.Equal("via exec\n", stdout);
        Assert.Equal(0, code);
    }

    [Fact]
    public void Logs_follow_ends_when_the_container_exits_and_the_log_is_drained()
    {
        using var c = new MonitorTestContainer(f, ["sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.2; done"], terminal: false);
        c.Launch(c.Request());
        c.Start();
        var lines = LogReader.Read(c.Paths, new LogReadOptions { Follow = true }).Select(e => Encoding.UTF8.GetString(e.Bytes)).ToList();
        Assert.Equal(["line1\n", "line2\n", "line3\n"], lines);
        Assert.NotNull(ExitFile.Read(c.Dir));
        Assert.Equal(["line3\n"], LogReader.Read(c.Paths, new LogReadOptions { Tail = 1 }).Select(e => Encoding.UTF8.GetString(e.Bytes)));
    }

    [Fact]
    public void A_partial_line_is_logged_after_a_short_delay_not_only_at_its_newline()
    {
        using var c = new MonitorTestContainer(f, ["sh", "-c", "printf 'no newline'; sleep 2; echo ' end'"], terminal: false);
        c.Launch(c.Request());
        using var client = AttachClient.Connect(c.Paths.AttachSocket);
        c.Start();
        // The partial line waits LogWriter.PartialDelayMs (100 ms), not the 2 s until its newline.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.ReadAllText(c.Paths.Log).Contains("\"log\":\"no newline\"") && clock.ElapsedMilliseconds < 1500) Thread.Sleep(20);
        Assert.Contains("\"log\":\"no newline\"", File.ReadAllText(c.Paths.Log));
        Assert.Null(ExitFile.Read(c.Dir));
        var (stdout, _, code) = ReadAll(client);
        Assert.Equal("no newline end\n", stdout);
        Assert.Equal(0, code);
        Assert.Equal(["no newline", " end\n"], LogReader.Read(c.Paths, new LogReadOptions()).Select(e => Encoding.UTF8.GetString(e.Bytes)));
    }

    [Fact]
    public void A_client_that_half_closes_its_side_still_gets_the_output_and_the_exit()
    {
        using var c = new MonitorTestContainer(f, ["sh", "-c", "sleep 0.5; echo late"], terminal: false);
        c.Launch(c.Request());
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(c.Paths.AttachSocket));
        socket.Shutdown(System.Net.Sockets.SocketShutdown.Send); // what a client does when its stdin ends
        c.Start();
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = socket.Receive(buffer)) > 0) received.Write(buffer, 0, n);
        byte[] expected = [.. AttachProtocol.Frame(AttachProtocol.Stdout, "late\n"u8), .. AttachProtocol.ExitedFrame(0)];
        Assert.Equal(expected, received.ToArray());
    }

    [Fact]
    public void An_execs_output_before_the_first_client_attaches_is_replayed_to_it()
    {
        // `exec --detach` starts the process at once: what it printed before anyone could attach
        // (a shell's prompt) must still reach the first client.
        using var c = new MonitorTestContainer(f, ["sleep", "100"], terminal: false);
        c.Launch(c.Request());
        c.Start();
        c.Launch(c.Request() with { ExecProcessFile = c.WriteExecProcess(["sh", "-c", "echo early; sleep 1; echo later"]), ExecId = "r" });
        var paths = new MonitorPaths(c.Dir, "r");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.ReadAllText(paths.Log).Contains("early") && clock.ElapsedMilliseconds < 900) Thread.Sleep(10);
        using var client = AttachClient.Connect(paths.AttachSocket);
        var (stdout, _, code) = ReadAll(client);
        Assert.Equal("early\nlater\n", stdout);
        Assert.Equal(0, code);
    }
}
