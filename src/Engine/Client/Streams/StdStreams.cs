namespace MyDocker.Engine.Client.Streams;

/// <summary>
/// The client's own fds 0, 1 and 2 as unbuffered streams. Not System.Console: on a terminal, .NET's
/// console reads stdin through its own line editor and keeps terminal state of its own, while an
/// attached container needs every byte exactly as typed (raw mode) and its output as it comes.
/// </summary>
public static class StdStreams
{
    public static readonly Stream Stdout = Open(1, FileAccess.Write);
    public static readonly Stream Stderr = Open(2, FileAccess.Write);

    /// <summary>fd 0; blocking reads, so read it from a thread of its own (<see cref="InputPump"/>).</summary>
    public static Stream OpenStdin() => Open(0, FileAccess.Read);

    private static FdStream Open(int fd, FileAccess access) => new(fd, readable: access == FileAccess.Read);

    public static void WriteLine(string text) => Write(Stdout, text + "\n");

    public static void ErrorLine(string text) => Write(Stderr, text + "\n");

    public static void Write(Stream s, string text)
    {
        s.Write(System.Text.Encoding.UTF8.GetBytes(text));
        s.Flush();
    }
}
