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
        // The container's pty gets the caller's window size when it is made, not a moment later:
        // the first thing a shell does may be to ask for it.
        if (ownConsole) CallerTerminal.CopySizeInto(config.Process!);
        using var listener = ownConsole ? new ConsoleSocketListener() : null;
        var createOptions = listener == null ? options.WithConfig(config) : new CreateOptions
        {
            Id = options.Id,
            Bundle = options.Bundle,
            PidFile = options.PidFile,
            ConsoleSocket = listener.SocketPath,
            Config = config,
            PreserveFds = options.PreserveFds,
            NoPivot = options.NoPivot,
        };

        var record = CreateOperation.Create(store, createOptions, debug, warn);
        int master = -1;
        bool keep = false;
        try
        {
            if (listener != null) master = listener.AcceptMaster(10_000);
            StartOperation.Start(store, options.Id, warn);
            if (detach) { keep = true; return 0; }

            return ForegroundProcess.Wait(record.Pid, master);
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
}
