using MyDocker.Engine.Client.Streams;
using MyDocker.Spec;

namespace MyDocker.Engine.Client.Commands;

/// <summary>
/// container run, create, start, attach. `run` does what docker's CLI does, in this order: create
/// (POST /containers/create); unless -d, attach (a hijacked POST /containers/{id}/attach) and the wait
/// request, both before start, so no output and no exit is missed; start; then the session until
/// the output ends or the user detaches; the exit code is the container's.
/// </summary>
public static class RunCommand
{
    public static async Task<int> Create(ApiClient api, string[] args)
    {
        var o = RunOptions.Parse(args, run: false);
        StdStreams.WriteLine(await ContainerApi.Create(api, o));
        return 0;
    }

    public static async Task<int> Run(ApiClient api, string[] args)
    {
        var o = RunOptions.Parse(args, run: true);
        bool rawTerminal = o.Tty && o.Interactive && !o.Detach;
        if (rawTerminal && !ClientTerminal.StdinIsTerminal)
            throw new MyDockerException("the input device is not a TTY (-t with -i needs a terminal on stdin; drop -t to pipe data)");
        string id = await ContainerApi.Create(api, o);
        if (o.Detach)
        {
            await StartOrExit(api, id);
            StdStreams.WriteLine(id);
            return 0;
        }
        return await AttachAndStart(api, id, o.Tty, o.Interactive, o.DetachKeys, o.Body.HostConfig!.AutoRemove ? "removed" : "next-exit");
    }

    /// <summary>container start [-a] [-i] ID...: without -a, start each and print its name as given.</summary>
    public static async Task<int> Start(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container start", args, ["-a|--attach", "-i|--interactive", "--detach-keys="]);
        cl.NeedAtLeast("container start", 1, "[-a] [-i] CONTAINER...");
        if (cl.Has("attach") || cl.Has("interactive"))
        {
            if (cl.Positional.Count > 1) throw new MyDockerException("container start: you cannot start and attach multiple containers at once");
            var c = await ContainerApi.Inspect(api, cl.Positional[0]);
            string id = c["Id"]!.GetValue<string>();
            bool tty = c["Config"]?["Tty"]?.GetValue<bool>() ?? false;
            bool stdin = cl.Has("interactive") && (c["Config"]?["OpenStdin"]?.GetValue<bool>() ?? false);
            if (tty && stdin && !ClientTerminal.StdinIsTerminal) throw new MyDockerException("the input device is not a TTY");
            return await AttachAndStart(api, id, tty, stdin, cl.Value("detach-keys") ?? Api.DetachKeys.Default, "next-exit");
        }
        int status = 0;
        foreach (string name in cl.Positional)
        {
            try
            {
                await api.Post(ContainerApi.Path(name) + "/start");
                StdStreams.WriteLine(name);
            }
            catch (ClientException e)
            {
                StdStreams.ErrorLine($"mydocker: {e.Message}");
                status = 1;
            }
        }
        return status;
    }

    /// <summary>Starts a container; a start error ends the client with docker's exit code for it (127, 126 or 125).</summary>
    private static async Task StartOrExit(ApiClient api, string id)
    {
        try { await api.Post(ContainerApi.Path(id) + "/start"); }
        catch (ClientException e) when (e.Status != 0)
        {
            throw new StartFailed(e.Message, ContainerApi.StartFailureCode(e.Message));
        }
    }

    private static async Task<int> AttachAndStart(ApiClient api, string id, bool tty, bool stdin, string detachKeys, string waitCondition)
    {
        Api.DetachKeys.Parse(detachKeys); // a bad --detach-keys is an error before anything starts
        string query = $"stream=1&stdout=1&stderr=1{(stdin ? "&stdin=1" : "")}&detachKeys={ApiClient.Q(detachKeys)}";
        // Attached and waiting before the start, so that neither the first byte nor the exit is missed;
        // the two requests go out together (each is a round trip to the daemon).
        var attaching = api.Hijack($"{ContainerApi.Path(id)}/attach?{query}");
        var waiting = ContainerApi.Wait(api, id, waitCondition);
        using var connection = await attaching;
        var wait = await waiting;
        using var terminal = tty && stdin ? ClientTerminal.Enter() : null;
        Task<AttachEnd> session = AttachSession.Run(connection, tty, stdin, detachKeys);
        try
        {
            await StartOrExit(api, id);
        }
        catch (StartFailed)
        {
            terminal?.Dispose();
            wait.Dispose();
            throw;
        }
        if (tty) FollowSize(api, terminal, $"{ContainerApi.Path(id)}/resize");
        return await Finish(session, wait, terminal);
    }

    /// <summary>container attach [--detach-keys K] [--no-stdin] ID: reconnects to a running container's stdio.</summary>
    public static async Task<int> Attach(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container attach", args, ["--detach-keys=", "--no-stdin", "--sig-proxy="]);
        cl.NeedAtLeast("container attach", 1, "[--detach-keys KEYS] [--no-stdin] CONTAINER");
        var c = await ContainerApi.Inspect(api, cl.Positional[0]);
        string id = c["Id"]!.GetValue<string>();
        if (c["State"]?["Running"]?.GetValue<bool>() != true) throw new MyDockerException("You cannot attach to a stopped container, start it first");
        bool tty = c["Config"]?["Tty"]?.GetValue<bool>() ?? false;
        bool stdin = !cl.Has("no-stdin") && (c["Config"]?["OpenStdin"]?.GetValue<bool>() ?? false);
        if (tty && stdin && !ClientTerminal.StdinIsTerminal) throw new MyDockerException("the input device is not a TTY");
        string detachKeys = cl.Value("detach-keys") ?? Api.DetachKeys.Default;
        Api.DetachKeys.Parse(detachKeys);
        string query = $"stream=1&stdout=1&stderr=1{(stdin ? "&stdin=1" : "")}&detachKeys={ApiClient.Q(detachKeys)}";
        using var connection = await api.Hijack($"{ContainerApi.Path(id)}/attach?{query}");
        using var terminal = tty && stdin ? ClientTerminal.Enter() : null;
        Task<AttachEnd> session = AttachSession.Run(connection, tty, stdin, detachKeys);
        if (tty) FollowSize(api, terminal, $"{ContainerApi.Path(id)}/resize");
        if (await session == AttachEnd.Detached) return Detached(terminal);
        terminal?.Dispose();
        return await ContainerApi.ExitCode(await ContainerApi.Wait(api, id, "not-running"));
    }

    /// <summary>The window size follows the user's terminal (and is sent once when only stdout is one: `run -t` without -i).</summary>
    public static void FollowSize(ApiClient api, ClientTerminal? terminal, string resizePath)
    {
        if (terminal != null)
            terminal.FollowSize(size => api.Post($"{resizePath}?h={size.Rows}&w={size.Cols}"));
    }

    public static async Task<int> Finish(Task<AttachEnd> session, HttpResponseMessage wait, ClientTerminal? terminal)
    {
        AttachEnd end;
        try { end = await session; }
        catch (Exception) { wait.Dispose(); terminal?.Dispose(); throw; }
        if (end == AttachEnd.Detached) { wait.Dispose(); return Detached(terminal); }
        terminal?.Dispose();
        return await ContainerApi.ExitCode(wait);
    }

    /// <summary>Detach keys typed: the container keeps running; docker's CLI says so on stderr and exits 0.</summary>
    private static int Detached(ClientTerminal? terminal)
    {
        terminal?.Dispose();
        StdStreams.ErrorLine("read escape sequence");
        return 0;
    }
}

/// <summary>A start that failed: printed as one line, with docker's exit code for it.</summary>
public sealed class StartFailed(string message, int exitCode) : MyDockerException(message)
{
    public int ExitCode { get; } = exitCode;
}
