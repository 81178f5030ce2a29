using System.Diagnostics;
using System.Text;

namespace MyDocker.EngineTests.Daemon;

/// <summary>What a program printed and how it ended.</summary>
public sealed record RunResult(string CommandLine, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>For assertion messages: the command, its exit code and both outputs.</summary>
    public override string ToString() => $"`{CommandLine}` exited {ExitCode}\n--- stdout:\n{Stdout}\n--- stderr:\n{Stderr}";
}

/// <summary>
/// Runs a host program (a docker CLI, curl, python3, tar...) to the end, with a time limit: a
/// program still running at the limit is killed (it and its children: all started here) and the
/// test fails naming it, rather than hanging the run.
/// </summary>
public static class HostRun
{
    public static RunResult Run(string program, IEnumerable<string> args, IDictionary<string, string>? env = null,
        byte[]? stdin = null, int timeoutSeconds = 60)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        string commandLine = program + " " + string.Join(' ', psi.ArgumentList.Select(a => a.Contains(' ') ? $"'{a}'" : a));
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        var outBuffer = new MemoryStream();
        var errBuffer = new MemoryStream();
        var readOut = p.StandardOutput.BaseStream.CopyToAsync(outBuffer);
        var readErr = p.StandardError.BaseStream.CopyToAsync(errBuffer);
        try
        {
            if (stdin != null) p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }
        catch (IOException) { } // it exited without reading its input
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"`{commandLine}` did not finish within {timeoutSeconds}s (killed); stderr so far: {Encoding.UTF8.GetString(errBuffer.ToArray())}");
        }
        Task.WaitAll(readOut, readErr);
        return new RunResult(commandLine, p.ExitCode, Encoding.UTF8.GetString(outBuffer.ToArray()), Encoding.UTF8.GetString(errBuffer.ToArray()));
    }

    /// <summary>Runs and requires exit status 0.</summary>
    public static RunResult Ok(string program, IEnumerable<string> args, IDictionary<string, string>? env = null, byte[]? stdin = null, int timeoutSeconds = 60)
    {
        var r = Run(program, args, env, stdin, timeoutSeconds);
        if (r.ExitCode != 0) throw new InvalidOperationException(r.ToString());
        return r;
    }
}
