using System.Runtime.CompilerServices;
using System.Text.Json;
using MyDocker.Spec;

namespace MyDocker.Engine.Monitor;

/// <summary>One log entry: "stdout" or "stderr", the bytes the program wrote (a line with its \n, or part of one), when they were read.</summary>
public readonly record struct LogEntry(string Stream, byte[] Bytes, DateTime Time);

/// <summary>`docker logs` options: --tail, --since, --until, which streams, --follow.</summary>
public sealed record LogReadOptions
{
    /// <summary>Only the last N entries (after the stream and time filters); null: all.</summary>
    public int? Tail { get; init; }
    public DateTime? Since { get; init; }
    public DateTime? Until { get; init; }
    public bool Stdout { get; init; } = true;
    public bool Stderr { get; init; } = true;
    /// <summary>Keep reading as the log grows, until the exit file appears and the log is drained.</summary>
    public bool Follow { get; init; }
}

/// <summary>
/// Reads a monitor's json-file log (MonitorPaths.Log). Follow polls the file: the monitor writes
/// the exit file only after the last log line, so "exit file present, nothing more to read" is the end.
/// </summary>
public static class LogReader
{
    private const int FollowPollMs = 100;

    public static IEnumerable<LogEntry> Read(MonitorPaths paths, LogReadOptions options, CancellationToken cancel = default)
    {
        using var cursor = new LogCursor(paths.Log);
        foreach (var e in Initial(cursor, options)) yield return e;
        while (options.Follow && !cancel.IsCancellationRequested)
        {
            bool finished = File.Exists(paths.ExitFile); // checked before reading: nothing written after it
            foreach (var e in Filter(cursor.ReadAvailable(), options)) yield return e;
            if (finished) yield break;
            cancel.WaitHandle.WaitOne(FollowPollMs);
        }
    }

    public static async IAsyncEnumerable<LogEntry> ReadAsync(MonitorPaths paths, LogReadOptions options, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        using var cursor = new LogCursor(paths.Log);
        foreach (var e in Initial(cursor, options)) yield return e;
        while (options.Follow && !cancel.IsCancellationRequested)
        {
            bool finished = File.Exists(paths.ExitFile);
            foreach (var e in Filter(cursor.ReadAvailable(), options)) yield return e;
            if (finished) yield break;
            try { await Task.Delay(FollowPollMs, cancel); }
            catch (OperationCanceledException) { yield break; }
        }
    }

    private static IEnumerable<LogEntry> Initial(LogCursor cursor, LogReadOptions o)
    {
        var entries = Filter(cursor.ReadAvailable(), o);
        if (o.Tail is not int tail) return entries;
        var last = new Queue<LogEntry>();
        if (tail <= 0) { foreach (var _ in entries) { } return last; } // read anyway: follow goes on from the end
        foreach (var e in entries)
        {
            if (last.Count == tail) last.Dequeue();
            last.Enqueue(e);
        }
        return last;
    }

    private static IEnumerable<LogEntry> Filter(IEnumerable<LogEntry> entries, LogReadOptions o)
    {
        foreach (var e in entries)
        {
            if (e.Stream == "stdout" ? !o.Stdout : !o.Stderr) continue;
            if (o.Since is DateTime since && e.Time < since.ToUniversalTime()) continue;
            if (o.Until is DateTime until && e.Time > until.ToUniversalTime()) continue;
            yield return e;
        }
    }

    /// <summary>Parses one json-file line.</summary>
    public static LogEntry ParseLine(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        byte[]? bytes = null;
        string stream = "stdout";
        DateTime time = default;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("not an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "log":
                    // The unescaped UTF-8 of the string: what the program wrote.
                    int length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                    var buffer = new byte[length];
                    int written = reader.CopyString(buffer);
                    bytes = buffer[..written];
                    break;
                case "stream": stream = reader.GetString() ?? "stdout"; break;
                case "time": time = LogTime.Parse(reader.GetString() ?? ""); break;
                default: reader.Skip(); break;
            }
        }
        return new LogEntry(stream, bytes ?? [], time);
    }

    /// <summary>Reads complete lines from where it stopped; a line still being written waits for its newline.</summary>
    private sealed class LogCursor(string path) : IDisposable
    {
        private FileStream? _file;
        private readonly List<byte> _partial = [];
        private readonly byte[] _buffer = new byte[64 * 1024];

        public IEnumerable<LogEntry> ReadAvailable()
        {
            if (_file == null)
            {
                try { _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete); }
                catch (FileNotFoundException) { yield break; } // not created yet
                catch (Exception e) { throw ErrorText.Wrap($"reading the log {path}", e); }
            }
            int n;
            while ((n = _file.Read(_buffer, 0, _buffer.Length)) > 0)
            {
                var lines = new List<LogEntry>();
                int start = 0;
                for (int i = 0; i < n; i++)
                {
                    if (_buffer[i] != '\n') continue;
                    byte[] line;
                    if (_partial.Count > 0)
                    {
                        _partial.AddRange(_buffer.AsSpan(start, i - start));
                        line = _partial.ToArray();
                        _partial.Clear();
                    }
                    else line = _buffer.AsSpan(start, i - start).ToArray();
                    start = i + 1;
                    if (line.Length == 0) continue;
                    try { lines.Add(ParseLine(line)); }
                    catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException) { } // a damaged line: skipped, as Docker does
                }
                _partial.AddRange(_buffer.AsSpan(start, n - start));
                foreach (var e in lines) yield return e;
            }
        }

        public void Dispose() => _file?.Dispose();
    }
}
