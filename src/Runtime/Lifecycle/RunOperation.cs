using System.Runtime.InteropServices;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.State;
using MyDocker.Runtime.Terminal;
using MyDocker.Spec;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>
/// `mydocker run` = create + start + wait + delete, exiting with the container's exit code.
/// With process.terminal and no --console-socket, run makes its own console socket, receives the
/// pty master from init and connects it to the caller's terminal (raw mode, window size).
/// Signals sent to `run` (Ctrl-C in a non-tty run, kill from outside) are passed on to the container,
/// whose PID 1 would otherwise never see them.
/// </summary>
public static unsafe class RunOperation
{
    public static int Run(StateStore store, CreateOptions options, bool detach, Action<string> debug, Action<string> warn)
    {
        var config = ConfigLoader.Load(Path.GetFullPath(options.Bundle));
        bool ownConsole = config.Process?.Terminal == true && options.ConsoleSocket == null && !detach;
        using var listener = ownConsole ? new ConsoleSocketListener() : null;
        var createOptions = listener == null ? options.WithConfig(config) : new CreateOptions
        {
            Id = options.Id,
            Bundle = options.Bundle,
            PidFile = options.PidFile,
            ConsoleSocket = listener.SocketPath,
            Debug = options.Debug,
            Config = config,
        };

        var record = CreateOperation.Create(store, createOptions, debug);
        int master = -1;
        bool keep = false;
        try
        {
            if (listener != null) master = listener.AcceptMaster(10_000);
            StartOperation.Start(store, options.Id, warn);
            if (detach) { keep = true; return 0; }

            using var forward = ForwardSignals(record.Pid);
            Thread? pump = null;
            if (master >= 0)
            {
                int m = master;
                // runc's behaviour: the end of our stdin is not passed on as ^D to the container.
                pump = new Thread(() =>
                {
                    try { TerminalForwarder.Run(m, 0, 1, sendEofOnInputEnd: false); }
                    catch (MyDockerException) { } // the terminal went away: nothing left to forward
                }) { IsBackground = true, Name = "tty" };
                pump.Start();
            }
            int code = WaitForExit(record.Pid);
            // The pump ends when the last holder of the pty slave exits (with a pid namespace, at once);
            // without one a background process may keep it: do not wait for ever.
            pump?.Join(5000);
            return code;
        }
        finally
        {
            if (master >= 0) Libc.Close(master);
            if (!keep)
            {
                try { DeleteOperation.Delete(store, options.Id, force: true, warn); }
                catch (MyDockerException) { }
            }
        }
    }

    /// <summary>waitpid for init (we are its parent); 128+N when a signal N killed it, like a shell.</summary>
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

    private sealed class Forwarders(List<PosixSignalRegistration> regs) : IDisposable
    {
        public void Dispose() { foreach (var r in regs) r.Dispose(); }
    }

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
        return new Forwarders(regs);
    }
}
