using System.Diagnostics;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Terminal;

// Tests never run in parallel here: they fork shells that must not inherit another test's
// pty fds (an inherited slave fd would keep a pty alive and a forwarder waiting).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
// ptys, /proc and unix sockets: this only means something on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace MyDocker.TerminalTests;

/// <summary>
/// The test assembly doubles as a helper program, because ControllingTerminal.Attach changes the
/// calling process (new session, new stdio) and so cannot run inside the test host itself.
///   MyDocker.TerminalTests attach SLAVE_PATH low|high SCRIPT
/// opens the pty slave (as fd 0 with "low", as some fd above 2 with "high"), calls Attach, prints
/// what it can observe about itself, then runs /bin/sh -c SCRIPT, which inherits the terminal.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["attach", var slavePath, var where, var script])
            return AttachHelper(slavePath, where == "low", script);
        Console.Error.WriteLine("This is a test assembly: use `dotnet test`.");
        return 2;
    }

    private static unsafe int AttachHelper(string slavePath, bool asFdZero, string script)
    {
        if (asFdZero) Libc.Close(0); // open() then returns the lowest free fd: 0
        // O_CLOEXEC on purpose: Attach must make 0/1/2 inheritable, even when the slave already is fd 0.
        int fd = Libc.Check(Libc.Open(slavePath, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0), $"open {slavePath}");
        if (asFdZero && fd != 0) throw new InvalidOperationException($"expected fd 0, got {fd}");

        ControllingTerminal.Attach(fd);

        bool origClosed = fd > 2 && Libc.Fcntl(fd, Libc.F_GETFD, 0) < 0 && Libc.LastErrno == Libc.EBADF;
        Say($"ORIG_FD={(fd > 2 ? (origClosed ? "closed" : "open") : "std")}\n");
        Say($"SESSION_LEADER={(Libc.GetSid(0) == Libc.GetPid() ? "yes" : "no")}\n");
        // Our session's terminal reports our process group as the foreground one.
        Say($"FOREGROUND={(Libc.TcGetPgrp(0) == Libc.GetPid() ? "yes" : "no")}\n");

        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var sh = Process.Start(psi)!;
        sh.WaitForExit();
        return sh.ExitCode;
    }

    private static unsafe void Say(string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        fixed (byte* p = bytes) Libc.Write(1, p, bytes.Length);
    }
}
