using System.Globalization;
using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.Process;
using MyDocker.Spec;

namespace MyDocker.Runtime.Network;

/// <summary>
/// The small process that keeps one container's slirp4netns for exactly as long as the container's
/// init lives (`mydocker hook slirp4netns-watcher`, started by <see cref="SlirpHook"/>, never by hand).
///
///  1. starts slirp4netns for init's network namespace and waits for its --ready-fd: tap0 is up,
///     10.0.2.100/24, default route via 10.0.2.2;
///  2. adds the published ports through the API socket (<see cref="SlirpApi"/>);
///  3. tells the hook "ok" (or one error line) on the status pipe, so `create` goes on (or fails);
///  4. waits for init to exit (a pidfd turns readable then, whoever reaps init), then closes the
///     write end of slirp4netns's --exit-fd pipe: slirp4netns exits, and the directory is removed.
/// The watcher holds that write end alone, so slirp4netns also stops if the watcher itself is killed.
/// </summary>
public static unsafe class SlirpWatcher
{
    /// <summary>What the hook hands over: init's pidfd (opened while init was surely alive) and the status pipe.</summary>
    public const int InitPidFd = 3, StatusFd = 4;

    private const int ReadyTimeoutMs = 10_000, StopTimeoutMs = 3_000;

    public static int Run(SlirpOptions options, int initPid, string dir)
    {
        Slirp? slirp = null;
        try
        {
            WritePid(Path.Combine(dir, NetworkDir.WatcherPid), Environment.ProcessId);
            slirp = Slirp.Start(options, initPid, dir);
            WritePid(Path.Combine(dir, NetworkDir.SlirpPid), slirp.Pid);
            slirp.WaitReady(dir);
            foreach (var port in options.Publish) SlirpApi.AddHostForward(Path.Combine(dir, NetworkDir.ApiSocket), port);
        }
        catch (Exception e)
        {
            slirp?.Stop();
            RemoveDir(dir);
            Report("error " + ErrorText.Of(e));
            return 1;
        }
        Report("ok");
        Console.Error.WriteLine($"slirp4netns-watcher: slirp4netns {slirp.Pid} serves init {initPid}");

        int which = slirp.WaitForExit(InitPidFd);
        Console.Error.WriteLine(which == InitPidFd ? "slirp4netns-watcher: init exited, stopping slirp4netns" : "slirp4netns-watcher: slirp4netns exited");
        slirp.Stop();
        RemoveDir(dir);
        return 0;
    }

    /// <summary>One line to the hook; a hook already gone (EPIPE) is not our problem any more.</summary>
    private static void Report(string line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
        fixed (byte* p = bytes) Libc.Write(StatusFd, p, bytes.Length);
        Libc.Close(StatusFd);
    }

    internal static void WritePid(string file, int pid) =>
        File.WriteAllText(file, pid.ToString(CultureInfo.InvariantCulture) + "\n");

    internal static void RemoveDir(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (Exception e) { Console.Error.WriteLine($"slirp4netns-watcher: removing {dir}: {ErrorText.Of(e)}"); }
    }

    /// <summary>The slirp4netns child: its pid and pidfd, the write end of its exit pipe, the read end of its ready pipe.</summary>
    private sealed class Slirp
    {
        public int Pid { get; private init; }
        private int _pidFd = -1, _exitWrite = -1, _readyRead = -1;
        private bool _reaped;

        public static Slirp Start(SlirpOptions options, int initPid, string dir)
        {
            string program = options.Program; // an absolute path: SlirpHook looked it up
            int* exitPipe = stackalloc int[2];
            int* readyPipe = stackalloc int[2];
            Libc.Check(Libc.Pipe2(exitPipe, Libc.O_CLOEXEC), "pipe2");
            Libc.Check(Libc.Pipe2(readyPipe, Libc.O_CLOEXEC), "pipe2");
            int devNull = Libc.Open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0);
            int log = Libc.Open(Path.Combine(dir, NetworkDir.Log), Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_CLOEXEC, 0x180);
            if (devNull < 0 || log < 0) throw Libc.Fail("slirp4netns: opening its stdio");
            var argv = new List<string>
            {
                "slirp4netns", "--configure", "--mtu", options.Mtu.ToString(CultureInfo.InvariantCulture),
                "--enable-sandbox", "--enable-seccomp",
                "--api-socket", Path.Combine(dir, NetworkDir.ApiSocket),
                "--ready-fd", "4", "--exit-fd", "3",
            };
            if (!options.AllowHostLoopback) argv.Add("--disable-host-loopback");
            argv.Add(initPid.ToString(CultureInfo.InvariantCulture));
            argv.Add("tap0");
            try
            {
                int pid = FdSpawn.Start(program, argv, [$"PATH={Init.ExecutableLookup.DefaultPath}"],
                    [devNull, log, log, exitPipe[0], readyPipe[1]], newSession: false, "slirp4netns");
                var slirp = new Slirp { Pid = pid, _exitWrite = exitPipe[1], _readyRead = readyPipe[0] };
                slirp._pidFd = Libc.PidfdOpen(pid); // our child: not reaped yet, so the pid is surely its
                return slirp;
            }
            catch
            {
                Libc.Close(exitPipe[1]);
                Libc.Close(readyPipe[0]);
                throw;
            }
            finally
            {
                Libc.Close(exitPipe[0]);
                Libc.Close(readyPipe[1]);
                Libc.Close(devNull);
                Libc.Close(log);
            }
        }

        /// <summary>Until slirp4netns writes "1" on --ready-fd; its early exit, init's, or a timeout is an error.</summary>
        public void WaitReady(string dir)
        {
            var deadline = Environment.TickCount64 + ReadyTimeoutMs;
            Libc.PollFd* fds = stackalloc Libc.PollFd[3];
            while (true)
            {
                fds[0] = new Libc.PollFd { Fd = _readyRead, Events = Libc.POLLIN };
                fds[1] = new Libc.PollFd { Fd = _pidFd, Events = Libc.POLLIN };
                fds[2] = new Libc.PollFd { Fd = InitPidFd, Events = Libc.POLLIN };
                int left = (int)Math.Max(0, deadline - Environment.TickCount64);
                int n = Libc.Poll(fds, 3, left);
                if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (n < 0) throw Libc.Fail("slirp4netns: poll");
                if (n == 0) throw new MyDockerException($"slirp4netns did not configure tap0 within {ReadyTimeoutMs / 1000} s{LastWords(dir)}");
                if (fds[0].Revents != 0)
                {
                    byte b = 0;
                    if (Libc.Read(_readyRead, &b, 1) == 1 && b == (byte)'1') return;
                    // EOF: slirp4netns closed it without saying ready, so it is exiting.
                }
                if (fds[2].Revents != 0) throw new MyDockerException("the container's init exited before its network was ready");
                if (fds[1].Revents != 0 || fds[0].Revents != 0)
                    throw new MyDockerException($"slirp4netns {Ended()} before the network was ready{LastWords(dir)}");
            }
        }

        /// <summary>Blocks until init or slirp4netns exits; returns the fd that fired (<see cref="InitPidFd"/> for init).</summary>
        public int WaitForExit(int initPidFd)
        {
            Libc.PollFd* fds = stackalloc Libc.PollFd[2];
            while (true)
            {
                fds[0] = new Libc.PollFd { Fd = initPidFd, Events = Libc.POLLIN };
                fds[1] = new Libc.PollFd { Fd = _pidFd, Events = Libc.POLLIN };
                int n = Libc.Poll(fds, 2, -1);
                if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (n < 0) throw Libc.Fail("slirp4netns-watcher: poll");
                return fds[0].Revents != 0 ? initPidFd : _pidFd;
            }
        }

        /// <summary>Closes the exit pipe (slirp4netns's cue to exit), waits a little, then SIGKILL; reaps it.</summary>
        public void Stop()
        {
            if (_exitWrite >= 0) { Libc.Close(_exitWrite); _exitWrite = -1; }
            if (_reaped) return;
            if (!ProcessExit.Wait(_pidFd, StopTimeoutMs)) Libc.PidfdSendSignal(_pidFd, Signals.SIGKILL);
            int status;
            while (Libc.WaitPid(Pid, &status, 0) < 0 && Libc.LastErrno == Libc.EINTR) { }
            _reaped = true;
        }

        /// <summary>"exited with status 1" / "was killed by signal 9", reaping it.</summary>
        private string Ended()
        {
            int status;
            while (Libc.WaitPid(Pid, &status, 0) < 0 && Libc.LastErrno == Libc.EINTR) { }
            _reaped = true;
            return (status & 0x7f) != 0 ? $"was killed by signal {status & 0x7f}" : $"exited with status {(status >> 8) & 0xff}";
        }

        /// <summary>": " and the lines slirp4netns printed that name a failure, so the error says why.</summary>
        private static string LastWords(string dir)
        {
            try
            {
                var lines = File.ReadAllLines(Path.Combine(dir, NetworkDir.Log))
                    .Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)
                        || l.Contains(": ", StringComparison.Ordinal))
                    .TakeLast(3).ToList();
                return lines.Count == 0 ? "" : ": " + string.Join("; ", lines.Select(MessageText.Escape));
            }
            catch (IOException) { return ""; }
        }

    }
}
