using System.Diagnostics;

namespace MyDocker.IntegrationTests.Harness;

/// <summary>
/// A live process that has nothing to do with any container: a `sleep` started by the test, run
/// through a symlink whose path is in its cmdline (so a <see cref="HostSnapshot"/> marked with
/// <paramref name="dir"/> sees it). Tests point stale or forged state at it (its pid with another
/// start time, a cgroup it is in) and then check that the runtime never signalled it.
/// </summary>
public sealed class UnrelatedProcess : IDisposable
{
    private readonly Process _process;
    public int Pid => _process.Id;
    /// <summary>Field 22 of /proc/PID/stat, as the runtime records it for its own processes.</summary>
    public ulong StartTime { get; }
    public string Path { get; }

    public UnrelatedProcess(string dir)
    {
        Path = System.IO.Path.Combine(dir, "unrelated-sleep");
        File.CreateSymbolicLink(Path, "/bin/sleep");
        _process = Process.Start(new ProcessStartInfo(Path, "100000") { UseShellExecute = false })!;
        StartTime = HostSnapshot.Stat(Pid)?.StartTime ?? throw new InvalidOperationException("the unrelated sleep died at once");
        // Seen once under load: a snapshot right after Start did not list it yet. Wait until its
        // cmdline is the sleep's, so every snapshot a test takes sees the same process.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!CmdlineShowsPath() && DateTime.UtcNow < deadline) Thread.Sleep(5);
        if (!CmdlineShowsPath()) throw new InvalidOperationException($"the unrelated sleep {Pid} does not show {Path} in its cmdline");
    }

    private bool CmdlineShowsPath()
    {
        try { return File.ReadAllText($"/proc/{Pid}/cmdline").Contains(Path, StringComparison.Ordinal); }
        catch (IOException) { return false; }
    }

    /// <summary>Alive, and still the very process we started (same start time), not a zombie.</summary>
    public bool IsAlive => HostSnapshot.Stat(Pid) is { } st && st.StartTime == StartTime && st.State is not ('Z' or 'X');

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}
