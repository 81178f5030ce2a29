using System.Text;
using System.Text.Json;

namespace MyDocker.Cli;

/// <summary>
/// Errors and debug lines. An error always goes to stderr as one line; with --log it is also written
/// to that file, and with --log-format json as {"level":"error","msg":...,"time":...}: containerd and
/// dockerd show users the msg of the last error line of that file, not stderr.
/// </summary>
public sealed class Log
{
    private readonly GlobalOptions _options;

    public Log(GlobalOptions options) => _options = options;

    public void Error(string message)
    {
        MyDocker.Runtime.Process.StdStream.ErrLine($"mydocker: {message}");
        WriteFile("error", message);
    }

    public void Warn(string message)
    {
        MyDocker.Runtime.Process.StdStream.ErrLine($"mydocker: warning: {message}");
        WriteFile("warning", message);
    }

    public void Debug(string message)
    {
        if (!_options.Debug) return;
        MyDocker.Runtime.Process.StdStream.ErrLine($"mydocker: debug: {message}");
        WriteFile("debug", message);
    }

    private void WriteFile(string level, string message)
    {
        if (_options.LogPath == null) return;
        try
        {
            string time = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
            string line;
            if (_options.LogFormat == "json")
            {
                var buf = new MemoryStream();
                // Relaxed escaping: engines show msg to people; quotes stay quotes, not \u0022.
                using (var w = new Utf8JsonWriter(buf, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    w.WriteStartObject();
                    w.WriteString("level", level);
                    w.WriteString("msg", message);
                    w.WriteString("time", time);
                    w.WriteEndObject();
                }
                line = Encoding.UTF8.GetString(buf.ToArray());
            }
            else
            {
                line = $"time=\"{time}\" level={level} msg=\"{message}\"";
            }
            File.AppendAllText(_options.LogPath, line + "\n");
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
