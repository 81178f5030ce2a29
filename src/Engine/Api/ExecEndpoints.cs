using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MyDocker.Engine.Containers;
using MyDocker.Engine.Monitor;

namespace MyDocker.Engine.Api;

/// <summary>POST /containers/{id}/exec, POST /exec/{id}/start (hijacked, like attach), POST /exec/{id}/resize, GET /exec/{id}/json.</summary>
public static class ExecEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ContainerService containers, ExecService execs)
    {
        app.MapPost("/containers/{id}/exec", (RequestDelegate)(async ctx =>
        {
            var c = containers.Store.Get(Query.Route(ctx, "id"));
            var body = await JsonSerializer.DeserializeAsync(ctx.Request.Body, EngineJson.Default.ExecConfigBody)
                ?? throw ApiException.BadRequest("the request body must be a JSON object (the exec's config)");
            var exec = execs.Create(c, body);
            await ContainersEndpoints.Write(ctx, new JsonObject { ["Id"] = exec.Id }, 201);
        }));
        app.MapPost("/exec/{id}/start", (RequestDelegate)(ctx => Start(ctx, execs)));
        app.MapPost("/exec/{id}/resize", (RequestDelegate)(ctx =>
        {
            var exec = execs.Get(Query.Route(ctx, "id"));
            if (!exec.Running) throw ApiException.Conflict($"Exec {exec.Id} is not running");
            AttachClient client;
            try { client = AttachClient.Connect(new MonitorPaths(containers.Store.DirOf(exec.ContainerId), exec.Id).AttachSocket); }
            catch (Spec.MyDockerException) { throw ApiException.Conflict($"Exec {exec.Id} is not running yet (or any more)"); }
            using var _ = client;
            client.Resize((ushort)Math.Clamp(Query.Int(ctx, "h") ?? 0, 0, 65535), (ushort)Math.Clamp(Query.Int(ctx, "w") ?? 0, 0, 65535));
            return Task.CompletedTask;
        }));
        app.MapGet("/exec/{id}/json", (RequestDelegate)(ctx =>
        {
            var e = execs.Get(Query.Route(ctx, "id"));
            return ContainersEndpoints.Write(ctx, new JsonObject
            {
                ["ID"] = e.Id,
                ["ContainerID"] = e.ContainerId,
                ["Running"] = e.Running,
                ["ExitCode"] = e.ExitCode,
                ["Pid"] = e.Pid,
                ["OpenStdin"] = e.Config.AttachStdin,
                ["OpenStdout"] = e.Config.AttachStdout,
                ["OpenStderr"] = e.Config.AttachStderr,
                ["DetachKeys"] = e.DetachKeys,
                ["CanRemove"] = false,
                ["ProcessConfig"] = new JsonObject
                {
                    ["tty"] = e.Config.Tty,
                    ["entrypoint"] = e.Config.Cmd![0],
                    ["arguments"] = new JsonArray(e.Config.Cmd.Skip(1).Select(a => (JsonNode)a).ToArray()),
                    ["privileged"] = e.Config.Privileged,
                    ["user"] = e.Config.User ?? "",
                },
            });
        }));
    }

    private static async Task Start(HttpContext ctx, ExecService execs)
    {
        var exec = execs.Get(Query.Route(ctx, "id"));
        var upgrade = ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>();
        bool hijack = upgrade is { IsUpgradableRequest: true };
        var body = !hijack && (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.ContentType.Count > 0)
            ? await JsonSerializer.DeserializeAsync(ctx.Request.Body, EngineJson.Default.ExecStartBody) ?? new()
            : new();
        bool tty = body.Tty || exec.Config.Tty;
        if (body.Detach)
        {
            execs.Start(exec, tty);
            ctx.Response.StatusCode = 200;
            return;
        }
        try
        {
            // Hijack first (the client waits for the 101), then start: the monitor replays what the
            // process wrote before we connect, so nothing is lost.
            var (input, output) = await AttachEndpoints.Hijack(ctx, tty);
            // The request's JSON body arrives as the first bytes of the upgraded stream (UpgradeBodyRewriter).
            if (int.TryParse(ctx.Request.Headers[Daemon.HalfClose.UpgradeBodyRewriter.LengthHeader], out int bodyLength) && bodyLength is > 0 and < 65536)
                await input.ReadExactlyAsync(new byte[bodyLength]);
            string socket;
            try { socket = execs.Start(exec, tty); }
            catch (Exception e)
            {
                // The answer has started (101): the error goes to the stream, as dockerd writes it.
                byte[] text = System.Text.Encoding.UTF8.GetBytes(Spec.ErrorText.Of(e) + "\n");
                await StreamFraming.Write(output, tty, StreamFraming.Stderr, text, CancellationToken.None);
                return;
            }
            AttachClient monitor;
            try { monitor = AttachClient.Connect(socket); }
            catch (Spec.MyDockerException)
            {
                // The process was quicker than us: its monitor wrote everything to the exec's log and left.
                await FromLog(execs, exec, socket, output, tty);
                execs.Log($"exec {exec.Id[..12]}: its monitor had left; output from its log");
                return;
            }
            var keys = new DetachKeys(exec.DetachKeys is { Length: > 0 } k ? k : DetachKeys.Default);
            int forwarded;
            try { forwarded = await AttachEndpoints.Relay(ctx, monitor, input, output, tty, exec.Config.AttachStdin, exec.Config.AttachStdout, exec.Config.AttachStderr, keys); }
            finally { monitor.Dispose(); } // the monitor stays while a client is connected: let it go
            // Connected only after the process had exited (the monitor then sends just its exit): the output is in the log.
            if (forwarded == 0) await FromLog(execs, exec, socket, output, tty);
            execs.Log($"exec {exec.Id[..12]}: {forwarded} output frames relayed{(forwarded == 0 ? ", the rest from its log" : "")}");
            // docker exec asks for the exit code (GET /exec/{id}/json) as soon as the stream ends.
            execs.WaitExited(exec, TimeSpan.FromSeconds(5));
        }
        finally
        {
            ctx.Features.Get<Daemon.HalfClose.HijackFeature>()?.Done();
        }
    }

    private static async Task FromLog(ExecService execs, ExecService.ExecRecord exec, string socket, Stream output, bool tty)
    {
        execs.WaitExited(exec, TimeSpan.FromSeconds(5));
        var paths = new MonitorPaths(Path.GetDirectoryName(socket)!, exec.Id);
        foreach (var entry in LogReader.Read(paths, new LogReadOptions { Stdout = exec.Config.AttachStdout, Stderr = exec.Config.AttachStderr }))
            await StreamFraming.Write(output, tty, entry.Stream == "stderr" ? StreamFraming.Stderr : StreamFraming.Stdout, entry.Bytes, CancellationToken.None);
    }
}
