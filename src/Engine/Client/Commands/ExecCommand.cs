using System.Text.Json.Nodes;
using MyDocker.Engine.Client.Streams;
using MyDocker.Spec;

namespace MyDocker.Engine.Client.Commands;

/// <summary>
/// container exec [-i] [-t] [-d] [-e K=V] [-w DIR] [-u USER] [--detach-keys K] ID CMD [ARG...], as
/// docker's CLI does it: POST /containers/{id}/exec creates the exec; POST /exec/{id}/start runs it,
/// hijacked like attach (or {"Detach":true} with -d); a TTY's size goes to /exec/{id}/resize; the exit
/// code comes from GET /exec/{id}/json.
/// </summary>
public static class ExecCommand
{
    public static async Task<int> Run(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container exec", args,
            ["-i|--interactive", "-t|--tty", "-d|--detach", "-e|--env=", "-w|--workdir=", "-u|--user=", "--privileged", "--detach-keys="], stopAtCommand: true);
        cl.NeedAtLeast("container exec", 2, "[-i] [-t] [-d] [-e K=V] [-w DIR] [-u USER] CONTAINER COMMAND [ARG...]");
        bool tty = cl.Has("tty"), stdin = cl.Has("interactive"), detach = cl.Has("detach");
        if (tty && stdin && !detach && !ClientTerminal.StdinIsTerminal) throw new MyDockerException("the input device is not a TTY");
        string detachKeys = cl.Value("detach-keys") ?? Api.DetachKeys.Default;
        Api.DetachKeys.Parse(detachKeys);

        var body = new JsonObject
        {
            ["User"] = cl.Value("user") ?? "",
            ["Privileged"] = cl.Has("privileged"),
            ["Tty"] = tty,
            ["AttachStdin"] = stdin && !detach,
            ["AttachStdout"] = !detach,
            ["AttachStderr"] = !detach,
            ["DetachKeys"] = detachKeys,
            ["Env"] = new JsonArray(cl.Values("env").Select(e => (JsonNode)e).ToArray()),
            ["WorkingDir"] = cl.Value("workdir") ?? "",
            ["Cmd"] = new JsonArray(cl.Positional.Skip(1).Select(a => (JsonNode)a).ToArray()),
        };
        var created = await api.Post($"{ContainerApi.Path(cl.Positional[0])}/exec", body.ToJsonString());
        string execId = created?["Id"]?.GetValue<string>() ?? throw new ClientException(0, "the daemon's exec answer has no Id");
        string start = new JsonObject { ["Detach"] = detach, ["Tty"] = tty }.ToJsonString();
        if (detach)
        {
            await api.Post($"/exec/{execId}/start", start);
            return 0;
        }

        using var connection = await api.Hijack($"/exec/{execId}/start", start);
        using var terminal = tty && stdin ? ClientTerminal.Enter() : null;
        Task<AttachEnd> session = AttachSession.Run(connection, tty, stdin, detachKeys);
        if (tty) RunCommand.FollowSize(api, terminal, $"/exec/{execId}/resize");
        var end = await session;
        terminal?.Dispose();
        if (end == AttachEnd.Detached)
        {
            StdStreams.ErrorLine("read escape sequence");
            return 0;
        }
        return await ExitCode(api, execId);
    }

    /// <summary>The exec's exit code; the daemon may record it a moment after the output ends.</summary>
    private static async Task<int> ExitCode(ApiClient api, string execId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var state = await api.Get($"/exec/{execId}/json");
            if (state?["Running"]?.GetValue<bool>() != true) return state?["ExitCode"]?.GetValue<int>() ?? 0;
            if (DateTime.UtcNow > deadline) throw new ClientException(0, $"exec {execId}: its output ended but the daemon still reports it running after 10 s");
            await Task.Delay(50);
        }
    }
}
