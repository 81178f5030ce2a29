namespace MyDocker.Runtime.Terminal;

/// <summary>The terminal `mydocker run`/`exec` was started from (stdin), when it is one.</summary>
public static class CallerTerminal
{
    /// <summary>process.consoleSize := the caller's window size, so the pty is born with it.</summary>
    public static void CopySizeInto(Spec.Model.Process process)
    {
        if (!Pty.IsTerminal(0)) return;
        var size = Pty.GetWindowSize(0);
        if (size.Rows == 0 || size.Cols == 0) return;
        process.ConsoleSize = new Spec.Model.ConsoleSize { Height = size.Rows, Width = size.Cols };
    }
}
