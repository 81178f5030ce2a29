using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// `mydocker run` with process.terminal: true. The caller's terminal is made by util-linux `script`,
/// which runs mydocker on a real pty, as a person at a terminal would.
/// </summary>
[Collection("runtime")]
public sealed class TerminalTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    [Fact]
    public void Run_with_a_terminal_gives_the_container_a_pty_of_its_own()
    {
        if (!File.Exists("/usr/bin/script")) throw new InvalidOperationException("needs util-linux `script` (apt-get install bsdutils)");
        string bundle = rt.Bundle(["sh", "-c", "tty; [ -t 0 ] && echo stdin-is-a-tty; stty size; readlink /proc/self/fd/1; exit 3"], c =>
        {
            c["process"]!["terminal"] = true;
            c["process"]!["consoleSize"] = new JsonObject { ["height"] = 33, ["width"] = 101 };
        });
        string cmd = $"{rt.Binary} --root {rt.Root} run --bundle {bundle} tty1";
        var r = Exec.Run("/usr/bin/script", ["-qec", $"stty rows 40 cols 120; {cmd}", "/dev/null"], timeoutMs: 30_000);
        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.Contains("/dev/pts/0", r.Stdout);         // the container's own devpts instance
        Assert.Contains("stdin-is-a-tty", r.Stdout);
        Assert.Contains("40 120", r.Stdout);              // run copied the caller's window size
        Assert.Empty(rt.ContainerDirs());
    }

    [Fact]
    public void Create_with_a_terminal_but_no_console_socket_is_refused()
    {
        string bundle = rt.Bundle(["sh"], c => c["process"]!["terminal"] = true);
        var r = rt.Mydocker("create", "--bundle", bundle, "noconsole");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("console-socket", r.Stderr);
        Assert.Empty(rt.ContainerDirs());
    }
}
