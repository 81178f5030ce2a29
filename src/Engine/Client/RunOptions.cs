using System.Globalization;
using MyDocker.Engine.Api.Models;
using MyDocker.Spec;

namespace MyDocker.Engine.Client;

/// <summary>
/// The flags of `container run` and `container create`, turned into the create request's body
/// (Docker's Config + HostConfig) and the client-side choices (-i, -t, -d, --detach-keys).
///   -i -t -d (also bundled: -it, -dit), --rm, --name, --hostname/-h, -e K=V, --env-file F, -w DIR,
///   --user/-u, --entrypoint, --memory/-m 100m, --cpus 0.5, --pids-limit N, -v HOST:CONT[:ro],
///   --read-only, --userns host|auto, --net/--network none|slirp4netns|host, -p [IP:]HOST:CONT[/proto],
///   --detach-keys ctrl-p,ctrl-q, --privileged, --cap-add, --cap-drop
/// </summary>
public sealed class RunOptions
{
    public bool Interactive, Tty, Detach;
    public string? Name;
    public string DetachKeys = Api.DetachKeys.Default;
    public ContainerConfigBody Body { get; } = new() { HostConfig = new HostConfigBody() };
    public string Image = "";

    public static RunOptions Parse(string[] args, bool run)
    {
        var o = new RunOptions();
        var h = o.Body.HostConfig!;
        int i = 0;
        string verb = run ? "run" : "create";
        string Value(string flag, string? inline) =>
            inline ?? (i + 1 < args.Length ? args[++i] : throw new MyDockerException($"container {verb}: flag {flag} needs a value"));
        for (; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") { i++; break; }
            if (!a.StartsWith('-') || a == "-") break;
            string flag = a;
            string? inline = null;
            int eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0) { flag = a[..eq]; inline = a[(eq + 1)..]; }
            switch (flag)
            {
                case "-i" or "--interactive": o.Interactive = true; break;
                case "-t" or "--tty": o.Tty = true; break;
                case "-d" or "--detach": o.Detach = true; break;
                case "--rm": h.AutoRemove = true; break;
                case "--name": o.Name = Value(flag, inline); break;
                case "-h" or "--hostname": o.Body.Hostname = Value(flag, inline); break;
                case "-e" or "--env": (o.Body.Env ??= []).Add(EnvEntry(Value(flag, inline))); break;
                case "--env-file": (o.Body.Env ??= []).AddRange(EnvFile(Value(flag, inline))); break;
                case "-w" or "--workdir": o.Body.WorkingDir = Value(flag, inline); break;
                case "-u" or "--user": o.Body.User = Value(flag, inline); break;
                case "--entrypoint": o.Body.Entrypoint = [Value(flag, inline)]; break;
                case "-m" or "--memory": h.Memory = Bytes(Value(flag, inline), flag); break;
                case "--cpus": h.NanoCpus = Cpus(Value(flag, inline)); break;
                case "--pids-limit": h.PidsLimit = long.TryParse(Value(flag, inline), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long p) ? p : throw new MyDockerException($"invalid --pids-limit: {args[i]}"); break;
                case "-v" or "--volume": (h.Binds ??= []).Add(Value(flag, inline)); break;
                case "--read-only": h.ReadonlyRootfs = true; break;
                case "--userns": h.UsernsMode = Value(flag, inline) switch { "host" => "host", "auto" or "" => "", var x => throw new MyDockerException($"--userns {MessageText.Quote(x)}: use host or auto") }; break;
                case "--net" or "--network": h.NetworkMode = Value(flag, inline); break;
                case "-p" or "--publish": AddPort(o.Body, Value(flag, inline)); break;
                case "--detach-keys": o.DetachKeys = Value(flag, inline); break;
                case "--privileged": h.Privileged = true; break;
                case "--cap-add": (h.CapAdd ??= []).Add(Value(flag, inline)); break;
                case "--cap-drop": (h.CapDrop ??= []).Add(Value(flag, inline)); break;
                default:
                    // Bundled short booleans: -it, -ti, -dit ...
                    if (a.Length > 2 && a[1] != '-' && a[1..].All(c => c is 'i' or 't' or 'd'))
                    {
                        o.Interactive |= a.Contains('i'); o.Tty |= a.Contains('t'); o.Detach |= a.Contains('d');
                        break;
                    }
                    throw new MyDockerException($"container {verb}: unknown flag {MessageText.Quote(a)}");
            }
        }
        if (i >= args.Length) throw new MyDockerException($"container {verb}: which image? usage: mydocker container {verb} [OPTIONS] IMAGE [COMMAND] [ARG...]");
        o.Image = args[i++];
        if (i < args.Length) o.Body.Cmd = args[i..].ToList();
        o.Body.Image = o.Image;
        o.Body.Tty = o.Tty;
        o.Body.OpenStdin = o.Interactive;
        o.Body.StdinOnce = o.Interactive && !o.Detach;
        o.Body.AttachStdin = o.Interactive && !o.Detach;
        o.Body.AttachStdout = o.Body.AttachStderr = !o.Detach;
        return o;
    }

    /// <summary>"-e NAME" takes NAME's value from the client's own environment, as docker does.</summary>
    private static string EnvEntry(string e) =>
        e.Contains('=') ? e : Environment.GetEnvironmentVariable(e) is { } v ? $"{e}={v}" : e;

    private static IEnumerable<string> EnvFile(string file)
    {
        string[] lines = ErrorText.Io($"--env-file {file}", () => File.ReadAllLines(file));
        foreach (string line in lines)
        {
            string l = line.Trim();
            if (l.Length == 0 || l.StartsWith('#')) continue;
            yield return EnvEntry(l);
        }
    }

    /// <summary>"100m", "1g", "512k", "1048576b" or bytes.</summary>
    public static long Bytes(string text, string flag)
    {
        string t = text.Trim().ToLowerInvariant();
        long unit = 1;
        if (t.EndsWith('b')) t = t[..^1];
        if (t.EndsWith('k')) { unit = 1L << 10; t = t[..^1]; }
        else if (t.EndsWith('m')) { unit = 1L << 20; t = t[..^1]; }
        else if (t.EndsWith('g')) { unit = 1L << 30; t = t[..^1]; }
        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n) || n <= 0)
            throw new MyDockerException($"invalid {flag} {MessageText.Quote(text)}: use a size such as 100m or 1g");
        return (long)(n * unit);
    }

    public static long Cpus(string text) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal c) && c > 0
            ? (long)(c * 1_000_000_000m) : throw new MyDockerException($"invalid --cpus {MessageText.Quote(text)}: use a number such as 0.5");

    /// <summary>-p [IP:]HOSTPORT:CONTPORT[/proto] into ExposedPorts and PortBindings, as docker's CLI sends it.</summary>
    private static void AddPort(ContainerConfigBody body, string spec)
    {
        var m = Runtime.Network.PortMapping.Parse(spec);
        string key = $"{m.ContainerPort}/{m.Protocol}";
        (body.ExposedPorts ??= [])[key] = new EmptyObject();
        var bindings = body.HostConfig!.PortBindings ??= [];
        (bindings.TryGetValue(key, out var list) && list != null ? list : bindings[key] = []).Add(new PortBindingBody
        {
            HostIp = spec.Split(':').Length == 3 ? m.HostIp : "",
            HostPort = m.HostPort.ToString(CultureInfo.InvariantCulture),
        });
    }
}
