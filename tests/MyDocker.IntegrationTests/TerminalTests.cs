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
    public unsafe void Create_sends_the_pty_master_over_the_console_socket_like_runc()
    {
        // The engine's side (conmon, containerd's shim): listen, receive the master, talk to the container.
        using var listener = new MyDocker.Runtime.Terminal.ConsoleSocketListener();
        string bundle = rt.Bundle(["sh", "-c", "tty; read line; echo got:$line; readlink /proc/self/fd/0"], c => c["process"]!["terminal"] = true);
        var create = rt.Mydocker("create", "--console-socket", listener.SocketPath, "--bundle", bundle, "cs1");
        Assert.True(create.ExitCode == 0, create.ToString());
        int master = listener.AcceptMaster(5000);
        try
        {
            Assert.Equal(0, rt.Mydocker("start", "cs1").ExitCode);
            byte[] input = "hello\n"u8.ToArray();
            fixed (byte* p = input) MyDocker.Runtime.Interop.Libc.Write(master, p, input.Length);
            var output = new System.Text.StringBuilder();
            var buf = new byte[4096];
            var until = DateTime.UtcNow.AddSeconds(10);
            // Read until the container exits (EIO on the master) or 10 s pass; poll so a hang cannot block the test.
            while (DateTime.UtcNow < until)
            {
                var pfd = new MyDocker.Runtime.Interop.Libc.PollFd { Fd = master, Events = MyDocker.Runtime.Interop.Libc.POLLIN };
                if (MyDocker.Runtime.Interop.Libc.Poll(&pfd, 1, 200) <= 0) continue;
                nint n;
                fixed (byte* p = buf) n = MyDocker.Runtime.Interop.Libc.Read(master, p, buf.Length);
                if (n <= 0) break; // EIO: the container exited and closed the slave
                output.Append(System.Text.Encoding.UTF8.GetString(buf, 0, (int)n));
            }
            string text = output.ToString();
            Assert.Contains("/dev/pts/0", text);  // `tty`: the container's own devpts, pty 0
            Assert.Contains("got:hello", text);   // our input reached it through the master
            Assert.Contains("/dev/pts/0\r\n", text.Substring(text.IndexOf("got:hello")));
        }
        finally { MyDocker.Runtime.Interop.Libc.Close(master); }
        LifecycleTests.WaitFor(() => rt.Mydocker("state", "cs1").Stdout.Contains("\"stopped\""));
        Assert.Equal(0, rt.Mydocker("delete", "cs1").ExitCode);
    }

    [Fact]
    public async Task With_a_terminal_init_does_not_keep_creates_output_pipe_open()
    {
        // containerd's shim reads `create`'s stdout and stderr until end-of-file: a terminal
        // container's init must not inherit them (it hung `ctr run -t` before the fix).
        using var listener = new MyDocker.Runtime.Terminal.ConsoleSocketListener();
        string bundle = rt.Bundle(["sleep", "30"], c => c["process"]!["terminal"] = true);
        var psi = new System.Diagnostics.ProcessStartInfo(rt.Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--root", rt.Root, "create", "--console-socket", listener.SocketPath, "--bundle", bundle, "tpipe" }) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var both = Task.WhenAll(stdout, stderr);
        Assert.True(await Task.WhenAny(both, Task.Delay(10_000)) == both, "create's output pipes stayed open after create returned");
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await stderr);
        MyDocker.Runtime.Interop.Libc.Close(listener.AcceptMaster(5000));
        Assert.Equal(0, rt.Mydocker("delete", "--force", "tpipe").ExitCode);
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
