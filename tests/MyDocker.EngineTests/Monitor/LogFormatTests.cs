using System.Buffers;
using System.Text;
using MyDocker.Engine.Monitor;

namespace MyDocker.EngineTests.Monitor;

/// <summary>The json-file format on its own: what LogWriter writes, LogReader reads back, byte for byte.</summary>
public sealed class LogFormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mydocker-logtest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Invalid_utf8_becomes_U_FFFD_and_control_characters_are_escaped_as_Docker_does()
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonLogLine.Append(buffer, [(byte)'a', 0xff, (byte)'"', 0x01, (byte)'\\', (byte)'\n'], "stdout", new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        Assert.Equal("{\"log\":\"a\uFFFD\\\"\\u0001\\\\\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-06T07:08:09Z\"}\n", Encoding.UTF8.GetString(buffer.WrittenSpan));
        var entry = LogReader.ParseLine(buffer.WrittenSpan[..^1]);
        Assert.Equal("a\uFFFD\"\u0001\\\n", Encoding.UTF8.GetString(entry.Bytes));
    }

    [Fact]
    public void Lines_split_at_newlines_and_at_16_KiB_and_round_trip_through_the_reader()
    {
        var paths = new MonitorPaths(_dir);
        var now = DateTime.UtcNow;
        using (var log = new LogWriter(paths.Log))
        {
            log.Add(1, "one\ntw"u8, now);
            log.Add(2, "err\n"u8, now.AddSeconds(1));
            log.Add(1, "o\n"u8, now.AddSeconds(2));
            log.Add(1, new byte[LogWriter.MaxLine + 10], now.AddSeconds(3));
            Assert.NotNull(log.FlushDueAt()); // 10 bytes wait for their newline
            log.FlushPartials(now.AddSeconds(3), force: true);
        }
        var all = LogReader.Read(paths, new LogReadOptions()).ToList();
        Assert.Equal(["stdout", "stderr", "stdout", "stdout", "stdout"], all.Select(e => e.Stream));
        Assert.Equal("one\n", Encoding.UTF8.GetString(all[0].Bytes));
        Assert.Equal("two\n", Encoding.UTF8.GetString(all[2].Bytes));
        Assert.Equal(LogWriter.MaxLine, all[3].Bytes.Length);
        Assert.Equal(10, all[4].Bytes.Length);

        Assert.Equal(["err\n"], LogReader.Read(paths, new LogReadOptions { Stdout = false }).Select(e => Encoding.UTF8.GetString(e.Bytes)));
        Assert.Equal(2, LogReader.Read(paths, new LogReadOptions { Tail = 2 }).Count());
        Assert.Empty(LogReader.Read(paths, new LogReadOptions { Tail = 0 }));
        Assert.Equal(3, LogReader.Read(paths, new LogReadOptions { Since = now.AddSeconds(2) }).Count());
        Assert.Equal(2, LogReader.Read(paths, new LogReadOptions { Until = now.AddSeconds(1) }).Count());
    }

    [Fact]
    public void The_exit_file_round_trips_and_is_absent_while_running()
    {
        Assert.Null(ExitFile.Read(_dir));
        var finished = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567);
        var info = ExitInfo.FromWaitStatus(9, 42, finished); // killed by SIGKILL
        Assert.Equal(137, info.ExitCode);
        ExitFile.Write(new MonitorPaths(_dir).ExitFile, info);
        Assert.Equal(info, ExitFile.Read(_dir));
        Assert.Equal(3, ExitInfo.FromWaitStatus(3 << 8, 1, finished).ExitCode);
        Assert.Equal("2025-01-02T03:04:05.1234567Z", LogTime.Format(finished));
        // Docker's nine fraction digits: .NET keeps ticks (100 ns); the rest is rounded away.
        Assert.Equal(finished, LogTime.Parse("2025-01-02T03:04:05.12345670Z"));
        Assert.InRange((LogTime.Parse("2025-01-02T03:04:05.123456789Z") - finished).Ticks, 0, 1);
    }
}
