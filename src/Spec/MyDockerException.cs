namespace MyDocker.Spec;

/// <summary>
/// The one error type of MyDocker. Its message is a complete, single line that the CLI prints
/// as it is ("mydocker: &lt;message&gt;"), e.g. "config.json: process.args: must not be empty".
/// </summary>
public class MyDockerException : Exception
{
    /// <summary>The errno behind the failure, when a system call failed (0 otherwise).</summary>
    public int Errno { get; }

    public MyDockerException(string message, int errno = 0) : base(message) => Errno = errno;

    public MyDockerException(string message, Exception inner) : base(message, inner) { }
}
