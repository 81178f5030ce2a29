namespace MyDocker.Engine.Daemon;

/// <summary>One line per action, on stderr or in --log FILE: "2026-12-03T10:20:23.123Z POST /containers/create 201 12ms".</summary>
public sealed class EngineLog : IDisposable
{
    private readonly TextWriter _out;
    private readonly object _lock = new();

    public EngineLog(string? file)
    {
        _out = file == null ? Console.Error : new StreamWriter(new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public void Line(string text)
    {
        lock (_lock) _out.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {text}");
    }

    public void Dispose()
    {
        if (_out != Console.Error) _out.Dispose();
    }
}
