using System.Runtime.InteropServices;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Terminal;
using MyDocker.Spec;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>
/// Staying with a process we started (`run`, `exec` without --detach): pass signals on, pump the
/// terminal if there is one, wait for the exit and turn it into an exit code like a shell does.
/// </summary>
public static unsafe class ForegroundProcess
{
    public static int Wait(int pid, int masterFd)
    {
        using var forward = ForwardSignals(pid);
        Thread? pump = null;
        if (masterFd >= 0)
        {
            // runc's behaviour: the end of our stdin is not passed on as ^D to the container.
            pump = new Thread(() =>
            {
                try { TerminalForwarder.Run(masterFd, 0, 1, sendEofOnInputEnd: false); }
                catch (MyDockerException) { } // the terminal went away: nothing left to forward
            }) { IsBackground = true, Name = "tty" };
            pump.Start();
        }
        int code = WaitForExit(pid);
        // The pump ends when the last holder of the pty slave exits (with a pid namespace, at once);
        // without one a background process may keep it: do not wait for ever.
        pump?.Join(5000);
        return code;
    }

    /// <summary>waitpid (we are the parent); 128+N when a signal N killed it.</summary>
    private static int WaitForExit(int pid)
    {
        int status;
        while (Libc.WaitPid(pid, &status, 0) < 0)
        {
            if (Libc.LastErrno != Libc.EINTR) throw Libc.Fail("waitpid");
        }
        int sig = status & 0x7f;
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig;
    }

    private sealed class Registrations(List<PosixSignalRegistration> regs) : IDisposable
    {
        public void Dispose() { foreach (var r in regs) r.Dispose(); }
    }

    /// <summary>A pid-namespace init ignores signals it has no handler for unless they come from outside: we are outside.</summary>
    private static IDisposable ForwardSignals(int pid)
    {
        var regs = new List<PosixSignalRegistration>();
        foreach (var (sig, num) in new[] { (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3) })
        {
            regs.Add(PosixSignalRegistration.Create(sig, ctx =>
            {
                ctx.Cancel = true;
                Libc.Kill(pid, num);
            }));
        }
        return new Registrations(regs);
    }
}
