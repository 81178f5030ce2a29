using System.Diagnostics;
using MyDocker.Runtime.Terminal;

namespace MyDocker.TerminalTests;

/// <summary>
/// Attach changes the calling process for good, so it runs in a child: this assembly started as
/// a program (see Program.cs), which attaches the pty, reports, and runs a shell on it.
/// </summary>
public class ControllingTerminalTests
{
    // What a shell started after Attach sees: its terminal's name, the size, and whether /dev/tty
    // (which means "my controlling terminal") can be opened.
    private const string Script =
        "echo \"TTY=$(tty)\"; echo \"SIZE=$(stty size)\"; " +
        "if ( exec </dev/tty ) 2>/dev/null; then echo CTTY=yes; else echo CTTY=no; fi";

    [Theory]
    [InlineData("high")] // the usual case: slave fd > 2, closed after the dup2s
    [InlineData("low")]  // slave already is fd 0 (close-on-exec): Attach must still make it inheritable
    public async Task Attach_MakesTheSlaveStdioAndControllingTerminal(string where)
    {
        PtyPair pty = Pty.Open(33, 77);
        try
        {
            // `dotnet exec` runs the helper in the dotnet process itself (no extra child in between).
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
                ? host : "dotnet";
            var psi = new ProcessStartInfo(dotnet)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (string a in new[] { "exec", typeof(Program).Assembly.Location, "attach", pty.SlavePath, where, Script })
                psi.ArgumentList.Add(a);

            using var child = Process.Start(psi)!;
            // Output before Attach (errors) goes to the redirected pipes; after it, to the pty.
            Task<string> stderr = child.StandardError.ReadToEndAsync();
            Task<string> stdout = child.StandardOutput.ReadToEndAsync();
            using (var cts = new CancellationTokenSource(30_000))
            {
                try { await child.WaitForExitAsync(cts.Token); }
                catch (OperationCanceledException)
                {
                    child.Kill(entireProcessTree: true);
                    Assert.Fail("helper did not exit");
                }
            }
            string outText = await stdout, errText = await stderr;

            // We kept our slave fd open so the output waits in the pty; close it and read to EIO.
            Fds.Close(pty.SlaveFd);
            string tty = Fds.ReadToEnd(pty.MasterFd).Replace("\r\n", "\n");
            string context = $"exit {child.ExitCode}\npty:\n{tty}\nstdout:\n{outText}\nstderr:\n{errText}";

            Assert.True(child.ExitCode == 0, context);
            Assert.True(tty.Contains(where == "high" ? "ORIG_FD=closed\n" : "ORIG_FD=std\n"), context);
            Assert.True(tty.Contains("SESSION_LEADER=yes\n"), context);
            Assert.True(tty.Contains("FOREGROUND=yes\n"), context);
            Assert.True(tty.Contains($"TTY={pty.SlavePath}\n"), context);   // stdin is the slave
            Assert.True(tty.Contains("SIZE=33 77\n"), context);
            Assert.True(tty.Contains("CTTY=yes\n"), context);                // and it is the controlling tty
            Assert.Equal("", outText);                                        // nothing went to the old stdout
        }
        finally
        {
            Fds.Close(pty.MasterFd);
        }
    }
}
