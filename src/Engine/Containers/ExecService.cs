using System.Security.Cryptography;
using MyDocker.Engine.Api;
using MyDocker.Engine.Monitor;
using MyDocker.Spec;

namespace MyDocker.Engine.Containers;

/// <summary>
/// `docker exec`: another process in a running container. Create records the request (Docker keeps
/// execs in memory only, so do we); start writes a process.json (the container's own process, with
/// the exec's args, env, user and cwd), and a monitor runs `mydocker exec --detach --process FILE`
/// and holds the new process's stdio, exactly as for the container's first process.
/// </summary>
public sealed class ExecService(ContainerService containers)
{
    public sealed class ExecRecord
    {
        public string Id { get; init; } = "";
        public string ContainerId { get; init; } = "";
        public Api.Models.ExecConfigBody Config { get; init; } = new();
        public bool Running { get; set; }
        public int? ExitCode { get; set; }
        public int Pid { get; set; }
        public int MonitorPid { get; set; }
        public string DetachKeys { get; init; } = "";
    }

    private readonly Dictionary<string, ExecRecord> _execs = new();

    public void Log(string line) => containers.Engine.Log.Line(line);

    public ExecRecord Create(ContainerRecord c, Api.Models.ExecConfigBody body)
    {
        if (c.State.Status != "running") throw ApiException.Conflict($"Container {c.Id} is not running");
        if (body.Cmd is not { Count: > 0 }) throw ApiException.BadRequest("No exec command specified");
        var exec = new ExecRecord
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), ContainerId = c.Id, Config = body,
            DetachKeys = body.DetachKeys ?? "",
        };
        lock (_execs) _execs[exec.Id] = exec;
        return exec;
    }

    public ExecRecord Get(string id)
    {
        lock (_execs)
            return _execs.TryGetValue(id, out var e) ? e : throw ApiException.NotFound($"No such exec instance: {MessageText.Escape(id)}");
    }

    /// <summary>Starts the process under its own monitor; returns the monitor's attach socket.</summary>
    public string Start(ExecRecord exec, bool tty)
    {
        var c = containers.Store.Get(exec.ContainerId);
        if (c.State.Status != "running") throw ApiException.Conflict($"Container {c.Id} is not running");
        lock (exec)
        {
            if (exec.Running || exec.ExitCode != null) throw ApiException.Conflict($"Exec {exec.Id} has already been started");
            exec.Running = true;
        }
        string dir = containers.Store.DirOf(c.Id);
        string processFile = Path.Combine(dir, $"exec-{exec.Id}.process.json");
        File.WriteAllText(processFile, SpecJson.SerializeProcess(ProcessFor(c, dir, exec.Config, tty)));
        int monitorPidFd;
        try
        {
            var started = MonitorLauncher.Start(new MonitorRequest
            {
                Id = c.Id, ContainerDir = dir, RuntimePath = containers.Engine.Options.Runtime, RuntimeRoot = containers.Engine.Options.RuntimeRoot,
                Bundle = dir, Tty = tty, Stdin = exec.Config.AttachStdin, ExecProcessFile = processFile, ExecId = exec.Id,
            });
            exec.Pid = started.InitPid;
            exec.MonitorPid = started.MonitorPid;
            monitorPidFd = started.MonitorPidFd;
        }
        catch
        {
            exec.Running = false;
            exec.ExitCode = 126;
            throw;
        }
        finally
        {
            TryDelete(processFile);
        }
        containers.Engine.Log.Line($"container {c.ShortId}: exec {exec.Id[..12]} started: {string.Join(' ', exec.Config.Cmd!)} (pid {exec.Pid})");
        WatchExit(exec, dir, monitorPidFd);
        return new MonitorPaths(dir, exec.Id).AttachSocket;
    }

    /// <summary>The exec's process: the container's, with the exec's command, extra env, user and working directory.</summary>
    private static Spec.Model.Process ProcessFor(ContainerRecord c, string dir, Api.Models.ExecConfigBody body, bool tty)
    {
        var config = SpecJson.DeserializeConfig(File.ReadAllText(Path.Combine(dir, "config.json")));
        var p = config.Process!;
        p.Args = body.Cmd;
        p.Terminal = tty;
        p.ConsoleSize = null;
        var env = new List<string>(p.Env ?? []);
        foreach (string e in body.Env ?? [])
        {
            int eq = e.IndexOf('=');
            if (eq <= 0) continue;
            env.RemoveAll(x => x.StartsWith(e[..(eq + 1)], StringComparison.Ordinal));
            env.Add(e);
        }
        p.Env = env;
        if (!string.IsNullOrEmpty(body.WorkingDir)) p.Cwd = body.WorkingDir;
        if (!string.IsNullOrEmpty(body.User))
        {
            var (uid, gid, groups) = UserResolver.Resolve(Path.Combine(dir, "rootfs"), body.User);
            p.User = new Spec.Model.User { Uid = uid, Gid = gid, AdditionalGids = groups.Count > 0 ? groups : null };
        }
        return p;
    }

    private static void WatchExit(ExecRecord exec, string dir, int monitorPidFd)
    {
        MonitorExits.Watch(exec.MonitorPid, monitorPidFd, () =>
        {
            var exit = ExitFile.Read(dir, exec.Id);
            exec.ExitCode = exit?.ExitCode ?? 255;
            exec.Running = false;
            exec.Pid = 0;
        });
    }

    /// <summary>Blocks until the exec's exit code is known (after its output is relayed), at most <paramref name="timeout"/>.</summary>
    public void WaitExited(ExecRecord exec, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (exec.ExitCode == null && DateTime.UtcNow < deadline) Thread.Sleep(5);
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { }
    }
}
