using System.Globalization;
using System.Text.Json;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Engine.Monitor;

/// <summary>How a container's process ended, as `docker inspect` shows it: ExitCode is 128+signal when a signal killed it.</summary>
public sealed record ExitInfo(int ExitCode, int Signal, DateTime FinishedAt, int Pid)
{
    /// <summary>Docker's rule: the exit status, or 128 + the number of the signal that killed the process.</summary>
    public static ExitInfo FromWaitStatus(int status, int pid, DateTime finishedAt)
    {
        int signal = status & 0x7f;
        return signal == 0
            ? new ExitInfo((status >> 8) & 0xff, 0, finishedAt, pid)
            : new ExitInfo(128 + signal, signal, finishedAt, pid);
    }
}

/// <summary>
/// DIR/exit.json (DIR/exec-EID.exit.json): {"ExitCode":N,"Signal":S,"FinishedAt":"RFC3339Nano","Pid":PID}.
/// The monitor writes it once, after the output is drained, through a temp file and rename: whoever
/// sees the file sees all of it, and a complete log.
/// </summary>
public static class ExitFile
{
    public static void Write(string path, ExitInfo info)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("ExitCode", info.ExitCode);
            w.WriteNumber("Signal", info.Signal);
            w.WriteString("FinishedAt", LogTime.Format(info.FinishedAt));
            w.WriteNumber("Pid", info.Pid);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        // Not fsync'd: like the runtime's state, an exit code means nothing after a reboot.
        AtomicFile.Write(path, buffer.ToArray(), durable: false);
    }

    /// <summary>The container's exit (or exec EID's), or null while the process runs (no file yet).</summary>
    public static ExitInfo? Read(string dir, string? execId = null) => ReadFile(new MonitorPaths(dir, execId).ExitFile);

    public static ExitInfo? ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (Exception e) { throw ErrorText.Wrap($"reading {path}", e); }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            return new ExitInfo(
                root.GetProperty("ExitCode").GetInt32(),
                root.TryGetProperty("Signal", out var s) ? s.GetInt32() : 0,
                LogTime.Parse(root.GetProperty("FinishedAt").GetString() ?? ""),
                root.TryGetProperty("Pid", out var p) ? p.GetInt32() : 0);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new MyDockerException($"{path}: not a valid exit file ({e.Message})");
        }
    }
}

/// <summary>Docker's timestamps: RFC 3339 in UTC with up to nanoseconds, trailing zeros dropped (Go's RFC3339Nano).</summary>
public static class LogTime
{
    public static string Format(DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses RFC 3339 (Docker writes 9 fraction digits; .NET keeps 7, the rest is dropped).</summary>
    public static DateTime Parse(string text)
    {
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            throw new FormatException($"not an RFC 3339 time: {MessageText.Quote(text)}");
        return t.UtcDateTime;
    }
}
