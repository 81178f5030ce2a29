using System.Text.RegularExpressions;

namespace MyDocker.EngineTests.Client;

/// <summary>`run -it`, detach and attach through a real terminal (tmux): raw mode, window size, detach keys, restore.</summary>
[Collection("client")]
public sealed class TtyTests(ClientDaemonFixture f)
{
    private TmuxTerminal Terminal(int cols = 100, int rows = 30) =>
        new(cols, rows, new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + f.Socket });

    [Fact]
    public void An_interactive_shell_is_pid_1_and_follows_the_window_size()
    {
        using var t = Terminal();
        t.Line($"{f.ClientBinary} container run -it --rm busybox sh; echo \"rc=$?\"");
        t.WaitFor(new Regex(@"/ # $", RegexOptions.Multiline));
        t.Line("echo pid=$$; stty size");
        t.WaitFor(new Regex(@"pid=1\s+30 100"));
        t.Resize(120, 40);
        Thread.Sleep(300); // SIGWINCH -> the client -> POST resize -> the container's pty
        t.Line("stty size");
        t.WaitFor(new Regex(@"\n40 120"));
        t.Line("exit 5");
        t.WaitFor(new Regex(@"rc=5"));
        // Back on the host: the terminal is cooked again.
        t.Line("stty -a | tr ' ' '\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '; echo");
        t.WaitFor(new Regex(@"\nicanon echo \n"));
    }

    [Fact]
    public void Ctrl_p_ctrl_q_detaches_and_attach_reconnects()
    {
        string name = "cltty" + Guid.NewGuid().ToString("N")[..8];
        using var t = Terminal();
        try
        {
            t.Line($"{f.ClientBinary} container run -it --name {name} busybox sh; echo \"rc=$?\"");
            t.WaitFor(new Regex(@"/ # $", RegexOptions.Multiline));
            t.Line("touch /tmp/mark");
            // The next prompt first: busybox's line editor asks the terminal where the cursor is
            // (ESC[6n) with each prompt, and a reply still on its way when the client detaches
            // would land in the host's shell (seen once: ";5R" typed into bash).
            t.WaitFor(new Regex(@"touch /tmp/mark\s*\n/ # $", RegexOptions.Multiline));
            t.Keys("C-p", "C-q");
            t.WaitFor(new Regex(@"read escape sequence\s+rc=0"));
            t.Line("stty -a | tr ' ' '\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '; echo");
            t.WaitFor(new Regex(@"\nicanon echo \n"));
            Assert.Equal("running", f.Client(["container", "inspect", "-f", "{{.State.Status}}", name]).Stdout.Trim());

            t.Line($"clear; {f.ClientBinary} container attach {name}; echo \"attach-rc=$?\"");
            Thread.Sleep(500);
            t.Line("ls /tmp/mark && exit 7");
            t.WaitFor(new Regex(@"attach-rc=7"));
            Assert.Equal("exited 7", f.Client(["container", "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name]).Stdout.Trim());
        }
        finally { f.Client(["container", "rm", "-f", name]); }
    }

    [Fact]
    public void A_terminal_is_required_for_it()
    {
        var r = f.Client(["container", "run", "-it", "--rm", "busybox", "true"]);
        Assert.Equal(125, r.Code);
        Assert.StartsWith("mydocker: the input device is not a TTY", r.Stderr);
    }
}
