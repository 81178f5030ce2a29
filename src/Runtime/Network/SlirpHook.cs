using System.Globalization;
using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.Process;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Runtime.Network;

/// <summary>
/// `mydocker hook slirp4netns`: an OCI hook that gives a container a network through slirp4netns.
///
/// Listed under hooks.createRuntime (runtime.md: the runtime's namespace, the container's namespaces
/// exist, the user's program has not started), it reads the container's state on stdin, starts a
/// <see cref="SlirpWatcher"/> for init's pid, and returns once tap0 is configured and the ports are
/// published, or fails with one line (then `create` fails and removes the container; the watcher has
/// already stopped slirp4netns and removed its directory). Listed under hooks.poststop with --stop, it
/// makes sure nothing is left once the container is deleted (<see cref="Stop"/>).
/// </summary>
public static unsafe class SlirpHook
{
    private const int StatusTimeoutMs = 20_000, StopTimeoutMs = 5_000;
    public const string WatcherVerb = "slirp4netns-watcher";

    public static void Start(SlirpOptions options, string stateJson)
    {
        var (id, pid) = ReadState(stateJson);
        if (pid <= 0) throw new MyDockerException("slirp4netns: the container state has no pid: list the hook under hooks.createRuntime");
        string program = SlirpProgram.Find(options.Program);
        string dir = options.Dir ?? NetworkDir.For(id);
        NetworkDir.CheckSocketPath(dir);

        int initPidFd = Libc.PidfdOpen(pid);
        if (initPidFd < 0) throw Libc.Fail($"slirp4netns: the container's init (pid {pid})");
        try
        {
            CheckOwnNetworkNamespace(pid);
            MakeDir(dir, id);
            var watcherOptions = new SlirpOptions { AllowHostLoopback = options.AllowHostLoopback, Mtu = options.Mtu, Dir = dir, Program = program };
            watcherOptions.Publish.AddRange(options.Publish);
            StartWatcher(watcherOptions, pid, dir, initPidFd);
        }
        finally
        {
            Libc.Close(initPidFd);
        }
    }

    /// <summary>
    /// The poststop side: waits for the container's watcher to finish (init is gone, so it is already
    /// stopping slirp4netns), kills what is still there after a few seconds, removes the directory.
    /// Nothing there is fine: the watcher cleans up by itself when init exits.
    /// </summary>
    public static void Stop(SlirpOptions options, string stateJson)
    {
        var (id, _) = ReadState(stateJson);
        string dir = options.Dir ?? NetworkDir.For(id);
        if (!Directory.Exists(dir)) return;
        EndProcess(Path.Combine(dir, NetworkDir.WatcherPid), WatcherVerb, dir);
        EndProcess(Path.Combine(dir, NetworkDir.SlirpPid), "slirp4netns", dir);
        SlirpWatcher.RemoveDir(dir);
    }

    private static (string Id, int Pid) ReadState(string stateJson)
    {
        var state = SpecJson.DeserializeState(stateJson, "slirp4netns: the container state on stdin");
        return (ContainerId.Validate(state.Id), state.Pid);
    }

    /// <summary>
    /// A container sharing the host's network namespace would get tap0 and a default route on the
    /// host itself: refused. The hook runs in the runtime's namespaces, so its own is the host's.
    /// </summary>
    private static void CheckOwnNetworkNamespace(int pid)
    {
        string theirs = $"/proc/{pid}/ns/net";
        if (Libc.StatxPath(theirs, out var container) < 0) throw Libc.Fail($"slirp4netns: {theirs}");
        if (Libc.StatxPath("/proc/self/ns/net", out var ours) < 0) throw Libc.Fail("slirp4netns: /proc/self/ns/net");
        if (container.Ino == ours.Ino && container.DevMajor == ours.DevMajor && container.DevMinor == ours.DevMinor)
            throw new MyDockerException("slirp4netns: the container shares the runtime's network namespace: it needs a new one (linux.namespaces: {\"type\": \"network\"})");
    }

    /// <summary>The network directory, mode 0700. One left by a watcher that was killed is replaced; one with a live watcher is a second network for the same ID: refused.</summary>
    private static void MakeDir(string dir, string id)
    {
        ErrorText.Io($"slirp4netns: creating {NetworkDir.Base}", () => Directory.CreateDirectory(Path.GetDirectoryName(dir)!));
        if (Libc.MkdirRaw(dir, 0x1c0) == 0) return;
        if (Libc.LastErrno != Libc.EEXIST) throw Libc.Fail($"slirp4netns: mkdir {dir}");
        if (LiveProcess(Path.Combine(dir, NetworkDir.WatcherPid), WatcherVerb, dir) is int watcher)
            throw new MyDockerException($"slirp4netns: container {ContainerId.Quote(id)} already has a network ({dir}, watcher pid {watcher})");
        EndProcess(Path.Combine(dir, NetworkDir.SlirpPid), "slirp4netns", dir);
        SlirpWatcher.RemoveDir(dir);
        if (Libc.MkdirRaw(dir, 0x1c0) < 0) throw Libc.Fail($"slirp4netns: mkdir {dir}");
    }

    private static void StartWatcher(SlirpOptions options, int initPid, string dir, int initPidFd)
    {
        int* status = stackalloc int[2];
        Libc.Check(Libc.Pipe2(status, Libc.O_CLOEXEC), "pipe2");
        int devNull = Libc.Open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        int log = Libc.Open(Path.Combine(dir, NetworkDir.Log), Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_CLOEXEC, 0x180);
        int watcher;
        try
        {
            if (devNull < 0 || log < 0) throw Libc.Fail("slirp4netns: opening the watcher's stdio");
            var argv = new List<string> { "mydocker", "hook", WatcherVerb, "--pid", initPid.ToString(CultureInfo.InvariantCulture) };
            argv.AddRange(options.HookArgs());
            // A session of its own: no terminal's hang-up or Ctrl-C meant for whoever ran `create` reaches it.
            watcher = FdSpawn.Start(MydockerBinary.SelfPath(), argv, [$"PATH={Init.ExecutableLookup.DefaultPath}"],
                [devNull, log, log, initPidFd, status[1]], newSession: true, "slirp4netns: starting the watcher");
        }
        catch
        {
            SlirpWatcher.RemoveDir(dir);
            Libc.Close(status[0]);
            throw;
        }
        finally
        {
            Libc.Close(status[1]);
            if (devNull >= 0) Libc.Close(devNull);
            if (log >= 0) Libc.Close(log);
        }

        string? line;
        try { line = ReadStatus(status[0]); }
        finally { Libc.Close(status[0]); }
        if (line == "ok") return; // the watcher runs on; when this hook exits, PID 1 (or a subreaper) becomes its parent

        int ws;
        while (Libc.WaitPid(watcher, &ws, 0) < 0 && Libc.LastErrno == Libc.EINTR) { }
        if (line != null && line.StartsWith("error ", StringComparison.Ordinal)) throw new MyDockerException(line[6..]);
        SlirpWatcher.RemoveDir(dir);
        throw new MyDockerException(line == null
            ? "slirp4netns: the watcher ended without a word (see its log)"
            : $"slirp4netns: unexpected word from the watcher: {MessageText.Quote(line)}");
    }

    /// <summary>The watcher's one line, or null at EOF; a watcher silent for too long is killed (which stops slirp4netns too).</summary>
    private static string? ReadStatus(int fd)
    {
        var bytes = new List<byte>();
        byte* buffer = stackalloc byte[256];
        var deadline = Environment.TickCount64 + StatusTimeoutMs;
        while (true)
        {
            var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
            int n = Libc.Poll(&pfd, 1, (int)Math.Max(0, deadline - Environment.TickCount64));
            if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
            if (n == 0) throw new MyDockerException($"slirp4netns: no answer from the watcher within {StatusTimeoutMs / 1000} s");
            nint r = Libc.Read(fd, buffer, 256);
            if (r < 0 && Libc.LastErrno == Libc.EINTR) continue;
            if (r <= 0) return bytes.Count == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray()).TrimEnd('\n');
            for (int i = 0; i < r; i++)
            {
                if (buffer[i] == (byte)'\n') return Encoding.UTF8.GetString(bytes.ToArray());
                bytes.Add(buffer[i]);
            }
        }
    }

    /// <summary>The pid in <paramref name="pidFile"/> when that process is alive and is ours (its command line names <paramref name="marker"/> and <paramref name="dir"/>).</summary>
    private static int? LiveProcess(string pidFile, string marker, string dir)
    {
        string text;
        try { text = File.ReadAllText(pidFile).Trim(); }
        catch (IOException) { return null; }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0) return null;
        try
        {
            string cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains(marker, StringComparison.Ordinal) && cmdline.Contains(dir, StringComparison.Ordinal) ? pid : null;
        }
        catch (IOException) { return null; }
    }

    /// <summary>Waits up to <see cref="StopTimeoutMs"/> for that process to exit, then SIGKILLs it.</summary>
    private static void EndProcess(string pidFile, string marker, string dir)
    {
        if (LiveProcess(pidFile, marker, dir) is not int pid) return;
        int fd = Libc.PidfdOpen(pid);
        if (fd < 0) return;
        try
        {
            if (!ProcessExit.Wait(fd, StopTimeoutMs)) Libc.PidfdSendSignal(fd, Signals.SIGKILL);
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
