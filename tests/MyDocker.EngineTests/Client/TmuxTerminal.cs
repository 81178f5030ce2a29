using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MyDocker.EngineTests.Client;

/// <summary>
/// A real terminal for the TTY tests: a detached tmux session (its own server, -L) running bash
/// without start-up files. Keys are typed with send-keys; the screen is read with capture-pane.
/// tmux missing is an error that says so (apt-get install -y tmux), never a silent skip.
/// </summary>
public sealed class TmuxTerminal : IDisposable
{
    private readonly string _server = "mydocker-cltest-" + Guid.NewGuid().ToString("N")[..8];

    public TmuxTerminal(int cols, int rows, IDictionary<string, string> env)
    {
        if (!File.Exists("/usr/bin/tmux") && !File.Exists("/usr/local/bin/tmux"))
            throw new InvalidOperationException("tmux is not installed: the TTY tests drive a real terminal through it (apt-get install -y tmux)");
        string exports = string.Join(' ', env.Select(kv => $"{kv.Key}='{kv.Value}'"));
        Tmux("new-session", "-d", "-s", "t", "-x", cols.ToString(), "-y", rows.ToString(),
            $"env {exports} PS1='host$ ' bash --norc --noprofile");
        WaitFor(new Regex(@"host\$"), 5000);
    }

    public void Type(string text) => Tmux("send-keys", "-t", "t", "-l", text);
    public void Enter() => Tmux("send-keys", "-t", "t", "Enter");
    public void Line(string text) { Type(text); Enter(); }
    public void Keys(params string[] keys) => Tmux(["send-keys", "-t", "t", .. keys]);
    public void Resize(int cols, int rows) => Tmux("resize-window", "-t", "t", "-x", cols.ToString(), "-y", rows.ToString());
    public void Clear() => Tmux("clear-history", "-t", "t");

    public string Screen() => Tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "t");

    /// <summary>Waits until the screen matches; returns the match.</summary>
    public Match WaitFor(Regex pattern, int timeoutMs = 8000)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string screen = Screen();
            var m = pattern.Match(screen);
            if (m.Success) return m;
            if (clock.ElapsedMilliseconds > timeoutMs) throw new TimeoutException($"the terminal never showed /{pattern}/ within {timeoutMs} ms; it shows:\n{screen}");
            Thread.Sleep(50);
        }
    }

    private string Tmux(params string[] args)
    {
        var psi = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(_server);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)}: {error}");
        return output;
    }

    public void Dispose()
    {
        try { Tmux("kill-server"); } catch (InvalidOperationException) { }
    }
}
