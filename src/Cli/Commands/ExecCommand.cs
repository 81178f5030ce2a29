using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.Terminal;
using MyDocker.Runtime.State;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Cli;

/// <summary>
/// `mydocker exec [flags] ID [COMMAND ARGS...]` or `mydocker exec --process process.json ID`, runc's flags:
/// --tty/-t, --detach/-d, --pid-file, --console-socket, --cwd, --env/-e K=V, --user/-u UID[:GID],
/// --additional-gids/-g, --cap/-c CAP, --no-new-privs. Flags come before the ID; what follows the ID is the command.
/// </summary>
public static class ExecCommand
{
    public static int Run(CommandContext ctx)
    {
        string? processFile = null, pidFile = null, consoleSocket = null, cwd = null, user = null, id = null;
        string? apparmorProfile = null, processLabel = null;
        bool tty = false, detach = false, noNewPrivs = false;
        int preserveFds = 0;
        var env = new List<string>();
        var caps = new List<string>();
        var gids = new List<uint>();
        var a = ctx.Args;
        while (!a.AtEnd && id == null)
        {
            if (!a.AtFlag) { id = a.Next(); break; }
            string name = a.NextFlag(out string? v);
            switch (name)
            {
                case "p" or "process": processFile = a.FlagValue(name, v); break;
                case "t" or "tty": tty = true; break;
                case "d" or "detach": detach = true; break;
                case "pid-file": pidFile = a.FlagValue(name, v); break;
                case "console-socket": consoleSocket = Path.GetFullPath(a.FlagValue(name, v)); break;
                case "cwd": cwd = a.FlagValue(name, v); break;
                case "e" or "env": env.Add(a.FlagValue(name, v)); break;
                case "u" or "user": user = a.FlagValue(name, v); break;
                case "g" or "additional-gids": gids.Add(ParseId(a.FlagValue(name, v), "--additional-gids")); break;
                case "c" or "cap": caps.Add(a.FlagValue(name, v)); break;
                case "no-new-privs": noNewPrivs = true; break;
                case "preserve-fds": preserveFds = (int)ParseId(a.FlagValue(name, v), "--preserve-fds"); break;
                case "apparmor": apparmorProfile = a.FlagValueOrEmpty(name, v); break; // "": no profile
                case "process-label": processLabel = a.FlagValueOrEmpty(name, v); break; // "": no label
                case "cgroup": a.FlagValue(name, v); break; // sub-cgroup choice of cgroup v2: not supported, the container's cgroup is used
                case "ignore-paused": break;
                default: throw new MyDockerException($"exec: unknown flag --{name}");
            }
        }
        if (id == null) throw new MyDockerException("exec: missing container ID (usage: mydocker exec [flags] ID COMMAND [ARGS...])");
        string[] command = a.Rest();
        var store = new StateStore(ctx.Global.Root);

        Process process;
        if (processFile != null)
        {
            if (command.Length > 0) throw new MyDockerException("exec: give either --process or a command, not both");
            string json = UserFile.ReadAllText("exec: --process", processFile);
            process = SpecJson.DeserializeProcess(json, Path.GetFileName(processFile));
        }
        else
        {
            if (command.Length == 0) throw new MyDockerException("exec: missing command (usage: mydocker exec [flags] ID COMMAND [ARGS...])");
            // runc's rule: start from the container's own process, then apply the flags.
            var baseProcess = store.LoadConfig(id).Process ?? new Process();
            process = SpecJson.DeserializeProcess(SpecJson.SerializeProcess(baseProcess));
            process.Args = command.ToList();
            process.Terminal = tty;
            process.ConsoleSize = null;
            if (tty && consoleSocket == null && !detach) CallerTerminal.CopySizeInto(process);
        }
        if (cwd != null) process.Cwd = cwd;
        if (env.Count > 0) process.Env = MergeEnv(process.Env, env);
        if (user != null) ApplyUser(process, user);
        if (gids.Count > 0) process.User.AdditionalGids = gids;
        if (noNewPrivs) process.NoNewPrivileges = true;
        if (caps.Count > 0) AddCaps(process, caps);
        if (apparmorProfile != null) process.ApparmorProfile = apparmorProfile;
        if (processLabel != null) process.SelinuxLabel = processLabel;

        return ExecOperation.Exec(store, new ExecOptions
        {
            Id = id,
            Process = process,
            Detach = detach,
            PidFile = pidFile,
            ConsoleSocket = consoleSocket,
            PreserveFds = preserveFds,
        }, ctx.Log.Debug);
    }

    /// <summary>--env K=V replaces a K already in the container's environment, else is added.</summary>
    private static List<string> MergeEnv(List<string>? baseEnv, List<string> overrides)
    {
        var result = new List<string>(baseEnv ?? new List<string>());
        foreach (var kv in overrides)
        {
            int eq = kv.IndexOf('=');
            if (eq <= 0) throw new MyDockerException($"exec: --env \"{kv}\": expected KEY=value");
            string key = kv[..(eq + 1)];
            result.RemoveAll(e => e.StartsWith(key));
            result.Add(kv);
        }
        return result;
    }

    private static void ApplyUser(Process process, string user)
    {
        string[] parts = user.Split(':');
        if (parts.Length > 2) throw new MyDockerException($"exec: --user \"{user}\": expected UID[:GID]");
        process.User.Uid = ParseId(parts[0], "--user");
        if (parts.Length == 2) process.User.Gid = ParseId(parts[1], "--user");
    }

    private static void AddCaps(Process process, List<string> caps)
    {
        process.Capabilities ??= new Capabilities();
        var c = process.Capabilities;
        foreach (var cap in caps)
        {
            c.Bounding = Add(c.Bounding, cap);
            c.Effective = Add(c.Effective, cap);
            c.Permitted = Add(c.Permitted, cap);
        }
        static List<string> Add(List<string>? list, string cap) => (list ?? new List<string>()).Contains(cap) ? list! : [.. list ?? [], cap];
    }

    private static uint ParseId(string text, string flag) =>
        uint.TryParse(text, out uint v) ? v : throw new MyDockerException($"exec: {flag} \"{text}\": expected a number");
}
