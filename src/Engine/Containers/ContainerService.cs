using MyDocker.Engine.Api;
using MyDocker.Engine.Api.Models;
using MyDocker.Engine.Images;
using MyDocker.Engine.Monitor;
using MyDocker.Spec;

namespace MyDocker.Engine.Containers;

/// <summary>
/// The container operations behind the API, each a short sequence a student can follow:
///   create  = record + overlay rootfs + /etc files + config.json       (no process yet, as in Docker)
///   start   = monitor runs `mydocker create` (init waits) → attachers connect → `mydocker start`
///   exit    = the monitor writes exit.json and exits → ExitWatcher → OOM check, `mydocker delete`
///   stop    = `mydocker kill TERM`, wait, then `mydocker kill KILL`
///   rm      = `mydocker delete --force`, unmount, remove the directory
/// </summary>
public sealed class ContainerService
{
    private readonly EngineContext _engine;
    private readonly ContainerStore _store;
    private readonly ImageStore _images;
    private readonly RuntimeCli _runtime;
    private readonly ContainerEvents _events = new();

    public ContainerService(EngineContext engine, ContainerStore store, ImageStore images)
    {
        _engine = engine;
        _store = store;
        _images = images;
        _runtime = new RuntimeCli(engine.Options.Runtime, engine.Options.RuntimeRoot, engine.Log.Line);
    }

    public ContainerStore Store => _store;
    public EngineContext Engine => _engine;
    public ContainerEvents Events => _events;
    public RuntimeCli Runtime => _runtime;

    /// <summary>
    /// After a daemon (re)start: a container recorded as running whose monitor still runs is watched
    /// again; one whose monitor is gone has exited meanwhile (its exit.json says how); a removal that
    /// was cut short is finished.
    /// </summary>
    public void Recover()
    {
        foreach (var record in _store.All())
        {
            switch (record.State.Status)
            {
                case "running" when MonitorAlive(record):
                    _engine.Log.Line($"container {record.ShortId}: still running under monitor {record.State.MonitorPid}");
                    ExitWatcher.Watch(this, record);
                    break;
                case "running":
                    OnExited(record);
                    break;
                case "removing":
                    record.State.Status = "exited";
                    Remove(record, force: true);
                    break;
            }
        }
    }

    /// <summary>The monitor pid still names our monitor of this container (pids are reused).</summary>
    private bool MonitorAlive(ContainerRecord record)
    {
        try
        {
            string cmdline = File.ReadAllText($"/proc/{record.State.MonitorPid}/cmdline");
            return cmdline.Contains("monitor", StringComparison.Ordinal) && cmdline.Contains(record.Id, StringComparison.Ordinal);
        }
        catch (IOException) { return false; }
    }

    // ---- create ----------------------------------------------------------------------------

    public ContainerRecord Create(ContainerConfigBody body, string? name, ClientRules.Caller caller)
    {
        if (string.IsNullOrEmpty(body.Image)) throw ApiException.BadRequest("no image given (Config.Image)");
        var host = body.HostConfig ??= new HostConfigBody();
        ClientRules.Check(caller, body, _engine.Options.AllowHostAccess);
        var image = _images.Find(body.Image) ?? throw ApiException.NotFound($"No such image: {MessageText.Escape(body.Image)}");
        UserNamespaceMap? userNs = host.UsernsMode == "host" ? null : SubordinateIds.For();
        string net = ContainerNetwork.Mode(host.NetworkMode);
        var ports = ContainerNetwork.Ports(host.PortBindings);
        if (ports.Count > 0 && net != "slirp4netns") throw ApiException.BadRequest($"published ports need the slirp4netns network, not {net}");
        var defaults = new ImageDefaults(image.Config.Env, image.Config.Cmd, image.Config.Entrypoint, image.Config.WorkingDir, image.Config.User);
        var args = BundleBuilder.Args(body, defaults); // a 400 before anything is made

        var record = _store.Add(name, id => new ContainerRecord
        {
            Created = DateTime.UtcNow, Image = body.Image, ImageId = image.Id, Config = body, Args = args,
            NetworkMode = net, Ports = ports.Select(p => p.ToString()).ToList(),
            UserNamespaceHostStart = userNs?.HostStart ?? 0, UserNamespaceSize = userNs?.Size ?? 0,
        });
        string dir = _store.DirOf(record.Id);
        try
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            var shift = userNs is { } m ? new IdShift(m.HostStart, m.Size) : IdShift.None;
            string rootfs = RootfsMount.Mount(dir, _images.LayerDirs(image, shift), userNs);
            string hostname = string.IsNullOrEmpty(body.Hostname) ? record.ShortId : body.Hostname;
            ContainerFiles.Write(dir, hostname, net, host.Dns);
            var config = BundleBuilder.Build(new BundleBuilder.Input(record.Id, hostname, body, defaults, rootfs, dir, userNs, net, ports,
                _engine.Options.Runtime, spec => UserResolver.Resolve(rootfs, spec)));
            File.WriteAllText(Path.Combine(dir, "config.json"), SpecJson.SerializeConfig(config));
            _store.Save(record);
            _engine.Log.Line($"container {record.ShortId} {record.Name}: created from {body.Image} ({net}{(userNs is { } u ? $", uid 0 = host {u.HostStart}" : ", no user namespace")})");
            return record;
        }
        catch
        {
            RemoveFiles(record);
            throw;
        }
    }

    // ---- start -----------------------------------------------------------------------------

    public void Start(ContainerRecord record)
    {
        int monitorPidFd;
        lock (record)
        {
            if (record.State.Status == "running") throw new ApiException(304, "");
            if (record.State.Status == "removing") throw ApiException.Conflict($"container {record.ShortId} is being removed");
            string dir = _store.DirOf(record.Id);
            var paths = new MonitorPaths(dir);
            // A container started before: its runtime instance was deleted at exit (a daemon killed
            // in between may have left it); its exit file goes now.
            _runtime.DeleteIfPresent(record.Id);
            TryDelete(paths.ExitFile);
            MonitorStarted started;
            long launched = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                started = MonitorLauncher.Start(new MonitorRequest
                {
                    Id = record.Id, ContainerDir = dir, RuntimePath = _engine.Options.Runtime, RuntimeRoot = _engine.Options.RuntimeRoot,
                    Bundle = dir, Tty = record.Config.Tty, Stdin = record.Config.OpenStdin,
                });
            }
            catch (MyDockerException e)
            {
                record.State.Error = e.Message;
                record.State.ExitCode = ExitCodeOf(e.Message);
                _store.Save(record);
                _events.Exited(record.Id); // `wait` answers with that code
                // --rm: a container that could not start is removed too (docker run --rm waits for that).
                if (record.Config.HostConfig?.AutoRemove == true)
                    ThreadPool.QueueUserWorkItem(_ => { try { Remove(record, force: true); } catch (Exception) { } });
                throw;
            }
            _engine.Log.Line($"container {record.ShortId}: monitor {started.MonitorPid} ran `mydocker create`, init pid {started.InitPid} waits for start " +
                             $"({System.Diagnostics.Stopwatch.GetElapsedTime(launched).TotalMilliseconds:0.0} ms)");
            // Clients waiting to attach connect now, while init still waits for `start`: they see every byte.
            _events.ProcessCreated(record.Id);
            _events.WaitForAttachers(record.Id, TimeSpan.FromSeconds(10)); // ends as soon as they have connected
            try
            {
                _runtime.Run("start", record.Id);
            }
            catch
            {
                _runtime.TryRun("delete", "--force", record.Id); // init is killed: the monitor exits, and is reaped
                MonitorExits.Watch(started.MonitorPid, started.MonitorPidFd, () => { });
                throw;
            }
            monitorPidFd = started.MonitorPidFd;
            record.State = new ContainerState { Status = "running", Pid = started.InitPid, MonitorPid = started.MonitorPid, StartedAt = DateTime.UtcNow };
            _store.Save(record);
            _engine.Log.Line($"container {record.ShortId}: started, init pid {started.InitPid}, monitor pid {started.MonitorPid}");
        }
        ExitWatcher.Watch(this, record, monitorPidFd);
    }

    /// <summary>Docker's CLI turns these start errors into exit codes 127 and 126.</summary>
    private static int ExitCodeOf(string message) =>
        message.Contains("executable file not found") || message.Contains("no such file or directory") ? 127
        : message.Contains("permission denied") ? 126 : 128;

    /// <summary>Called by <see cref="ExitWatcher"/> once the monitor has gone: records the exit, cleans up the runtime's instance.</summary>
    internal void OnExited(ContainerRecord record)
    {
        string dir = _store.DirOf(record.Id);
        var exit = ExitFile.Read(dir);
        lock (record)
        {
            bool oom = OomCheck.WasKilled($"/mydocker/{record.Id}");
            _runtime.TryRun("delete", "--force", record.Id);
            record.State.Status = "exited";
            record.State.Pid = 0;
            record.State.MonitorPid = 0;
            record.State.ExitCode = exit?.ExitCode ?? 255;
            record.State.FinishedAt = exit?.FinishedAt ?? DateTime.UtcNow;
            record.State.OOMKilled = oom;
            if (exit == null) record.State.Error = "the container's monitor ended without an exit status";
            _store.Save(record);
        }
        _engine.Log.Line($"container {record.ShortId}: exited with {record.State.ExitCode}{(record.State.OOMKilled ? " (OOM-killed)" : "")}");
        _events.Exited(record.Id);
        if (record.Config.HostConfig?.AutoRemove == true)
        {
            try { Remove(record, force: true); }
            catch (Exception e) { _engine.Log.Line($"container {record.ShortId}: auto-remove failed: {ErrorText.Of(e)}"); }
        }
    }

    // ---- stop, kill, restart ---------------------------------------------------------------

    public bool Stop(ContainerRecord record, int? timeoutSeconds)
    {
        if (record.State.Status != "running") return false;
        string signal = record.Config.StopSignal is { Length: > 0 } s ? s : "TERM";
        int timeout = timeoutSeconds ?? record.Config.StopTimeout ?? 10;
        _runtime.TryRun("kill", record.Id, signal);
        if (!_events.WaitExited(record, TimeSpan.FromSeconds(timeout)))
        {
            _runtime.TryRun("kill", record.Id, "KILL");
            _events.WaitExited(record, TimeSpan.FromSeconds(10));
        }
        return true;
    }

    public void Kill(ContainerRecord record, string signal)
    {
        if (record.State.Status != "running") throw ApiException.Conflict($"Container {record.Id} is not running");
        _runtime.Run("kill", record.Id, signal.StartsWith("SIG", StringComparison.Ordinal) ? signal[3..] : signal);
    }

    public void Restart(ContainerRecord record, int? timeoutSeconds)
    {
        Stop(record, timeoutSeconds);
        Start(record);
    }

    // ---- remove ----------------------------------------------------------------------------

    public void Remove(ContainerRecord record, bool force)
    {
        if (record.State.Status == "running")
        {
            if (!force) throw ApiException.Conflict($"You cannot remove a running container {record.Id}. Stop the container before attempting removal or force remove");
            _runtime.TryRun("kill", record.Id, "KILL");
            _events.WaitExited(record, TimeSpan.FromSeconds(10));
        }
        lock (record)
        {
            if (record.State.Status == "removing") return;
            record.State.Status = "removing";
        }
        _runtime.DeleteIfPresent(record.Id); // deleted at exit already, unless the daemon was killed in between
        RemoveFiles(record);
        _engine.Log.Line($"container {record.ShortId} {record.Name}: removed");
        _events.Removed(record.Id);
    }

    /// <summary>Everything of a container on disk: its overlay mount, its directory, its record.</summary>
    private void RemoveFiles(ContainerRecord record)
    {
        string dir = _store.DirOf(record.Id);
        RootfsMount.Unmount(dir);
        _store.Discard(dir);
        _store.Forget(record.Id);
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { }
    }

    public bool ImageInUse(string imageId) => _store.All().Any(c => c.ImageId == imageId);
}
