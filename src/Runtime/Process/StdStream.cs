using System.Text;

namespace MyDocker.Runtime.Process;

/// <summary>
/// Text to stdout or stderr, written straight to fd 1 or 2 as UTF-8. The first use of
/// System.Console sets up terminal and signal handling (a pipe, a thread, six signal handlers, tty
/// probes), about 0.1 ms that a `state` or an error line does not need. Like Console, a reader that
/// went away (EPIPE) is not an error.
/// </summary>
public static class StdStream
{
    public static void Out(string text) => Write(1, text);

    public static void ErrLine(string line) => Write(2, line + "\n");

    // EPIPE, a closed fd: nobody to tell.
    private static void Write(int fd, string text) => FdBytes.WriteAll(fd, Encoding.UTF8.GetBytes(text));
}
