using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using MyDocker.Engine.Containers;
using MyDocker.Engine.Monitor;

namespace MyDocker.Engine.Api;

/// <summary>
/// POST /containers/{id}/attach, /containers/{id}/resize, GET /containers/{id}/logs.
///
/// Attach "hijacks" the HTTP connection, as dockerd does: the answer is "101 Switching Protocols" and
/// from then on the connection carries the container's stdin one way and its output the other
/// (<see cref="StreamFraming"/>). The daemon is only a relay: the container's monitor holds the real
/// stdio, and the daemon connects to the monitor's attach socket. An attach that comes before `start`
/// (docker run does that) waits until the process exists, so it sees the first byte.
/// </summary>
public static class AttachEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ContainerService containers)
    {
        app.MapPost("/containers/{id}/attach", (RequestDelegate)(ctx => Attach(ctx, containers)));
        app.MapPost("/containers/{id}/resize", (RequestDelegate)(ctx =>
        {
            var c = containers.Store.Get(Query.Route(ctx, "id"));
            Resize(containers, c, Query.Int(ctx, "h") ?? 0, Query.Int(ctx, "w") ?? 0);
            return Task.CompletedTask;
        }));
        app.MapGet("/containers/{id}/logs", (RequestDelegate)(ctx => Logs(ctx, containers)));
    }

    public static void Resize(ContainerService containers, ContainerRecord c, int rows, int cols)
    {
        if (c.State.Status != "running") throw ApiException.Conflict($"Container {c.Id} is not running");
        if (rows is < 0 or > ushort.MaxValue || cols is < 0 or > ushort.MaxValue) throw ApiException.BadRequest("resize: h and w must be from 0 to 65535");
        using var client = AttachClient.Connect(new MonitorPaths(containers.Store.DirOf(c.Id)).AttachSocket);
        client.Resize((ushort)rows, (ushort)cols);
    }

    private static async Task Attach(HttpContext ctx, ContainerService containers)
    {
        var c = containers.Store.Get(Query.Route(ctx, "id"));
        bool wantStdin = Query.Bool(ctx, "stdin"), wantStdout = Query.Bool(ctx, "stdout"), wantStderr = Query.Bool(ctx, "stderr");
        var detach = new DetachKeys(Query.String(ctx, "detachKeys") is { Length: > 0 } k ? k : DetachKeys.Default);
        var paths = new MonitorPaths(containers.Store.DirOf(c.Id));
        Task? created = c.State.Status == "created" ? containers.Events.RegisterAttacher(c.Id) : null;
        try
        {
            var (input, output) = await Hijack(ctx, c.Config.Tty);
            // Not ctx.RequestAborted: docker's CLI half-closes a hijacked connection when it has no stdin
            // to send, and Kestrel reports that as an abort. The relay ends on the container's exit,
            // or when writing to the client fails.
            if (created != null) await created;
            if (c.State.Status is not ("running" or "created")) return; // exited: nothing to relay
            using var monitor = AttachClient.Connect(paths.AttachSocket);
            if (created != null) { containers.Events.AttacherConnected(c.Id); created = null; }
            await Relay(ctx, monitor, input, output, c.Config.Tty, wantStdin && c.Config.OpenStdin, wantStdout, wantStderr, detach);
        }
        finally
        {
            if (created != null) containers.Events.AttacherConnected(c.Id);
            ctx.Features.Get<Daemon.HalfClose.HijackFeature>()?.Done();
        }
    }

    /// <summary>Upgrades the connection (101) when the client asked for it; otherwise streams in the 200 answer, as dockerd also accepts.</summary>
    public static async Task<(Stream Input, Stream Output)> Hijack(HttpContext ctx, bool tty)
    {
        var upgrade = ctx.Features.Get<IHttpUpgradeFeature>();
        string contentType = tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
        if (upgrade is { IsUpgradableRequest: true })
        {
            ctx.Features.Get<Daemon.HalfClose.HijackFeature>()?.Hijacked();
            ctx.Response.Headers.ContentType = contentType;
            ctx.Response.Headers.Upgrade = "tcp";
            var stream = await upgrade.UpgradeAsync();
            return (stream, stream);
        }
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = contentType;
        await ctx.Response.StartAsync();
        return (ctx.Request.Body, ctx.Response.Body);
    }

    /// <summary>Monitor → client (framed), client → monitor (stdin, with the detach keys watched), until exit, detach or hang-up.</summary>
    /// <returns>How many output frames reached the client.</returns>
    public static async Task<int> Relay(HttpContext ctx, AttachClient monitor, Stream input, Stream output, bool tty, bool stdin, bool stdout, bool stderr, DetachKeys? detach)
    {
        int forwarded = 0;
        using var done = new CancellationTokenSource();
        // The client's FIN (end of its stdin) arrives here on a hijacked connection (see HalfCloseMiddleware).
        Task clientFinished = ctx.Features.Get<Daemon.HalfClose.HijackFeature>() is { IsHijacked: true } h ? h.ClientFinished : Task.Delay(Timeout.Infinite, done.Token);
        Task pumpIn = stdin ? Task.Run(async () =>
        {
            var buffer = new byte[8192];
            try
            {
                bool finished = false;
                while (true)
                {
                    var read = input.ReadAsync(buffer, done.Token).AsTask();
                    // After the client's FIN, what it sent before is already in the pipe (HalfCloseMiddleware
                    // passes the bytes on before it reports the FIN): take it, then end stdin.
                    if (!finished && await Task.WhenAny(read, clientFinished) != read) finished = true;
                    if (finished && await Task.WhenAny(read, Task.Delay(100)) != read) break;
                    int n = await read;
                    if (n == 0) break;
                    bool detached = false;
                    byte[] pass = detach == null ? buffer[..n] : detach.Scan(buffer.AsSpan(0, n), out detached);
                    if (pass.Length > 0) monitor.SendStdin(pass);
                    if (detached) { done.Cancel(); return; } // the container keeps running
                }
                // As dockerd: the end of the client's stdin closes the container's only without a
                // TTY (a shell on a TTY would take it as ^D and exit: detaching must not do that).
                if (!tty) monitor.CloseStdin();
            }
            catch (OperationCanceledException) { }
            catch (IOException) { }
            catch (Spec.MyDockerException) { }
        }) : Task.CompletedTask;

        try
        {
            while (!done.IsCancellationRequested)
            {
                var frame = await monitor.ReadFrameAsync(done.Token);
                if (frame is not { } f || f.Type == AttachProtocol.Exited) break;
                if (f.Type == AttachProtocol.Stdout && stdout) { await StreamFraming.Write(output, tty, StreamFraming.Stdout, f.Payload, done.Token); forwarded++; }
                if (f.Type == AttachProtocol.Stderr && stderr) { await StreamFraming.Write(output, tty, StreamFraming.Stderr, f.Payload, done.Token); forwarded++; }
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        // A monitor that closes its listening socket with our connection still unaccepted (it was leaving:
        // the process had exited) resets it: the end of the relay; exec falls back to the log.
        catch (Spec.MyDockerException) { }
        done.Cancel();
        // The stdin copier is not awaited: a read on the upgraded stream may wait for the client's next
        // byte whatever the token says; it ends when the handler returns and the connection closes.
        _ = pumpIn.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
        return forwarded;
    }

    private static async Task Logs(HttpContext ctx, ContainerService containers)
    {
        var c = containers.Store.Get(Query.Route(ctx, "id"));
        bool stdout = Query.Bool(ctx, "stdout"), stderr = Query.Bool(ctx, "stderr");
        if (!stdout && !stderr) throw ApiException.BadRequest("You must choose at least one stream");
        bool timestamps = Query.Bool(ctx, "timestamps");
        string? tail = Query.String(ctx, "tail");
        int? tailN = string.IsNullOrEmpty(tail) || tail == "all" ? null
            : int.TryParse(tail, out int t) && t >= 0 ? t : throw ApiException.BadRequest($"tail={tail}: expected a number or all");
        var options = new LogReadOptions
        {
            Stdout = stdout, Stderr = stderr, Tail = tailN,
            Follow = Query.Bool(ctx, "follow") && c.State.Status == "running",
            Since = Query.Int(ctx, "since") is int s && s > 0 ? DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime : null,
        };
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = c.Config.Tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
        await ctx.Response.StartAsync();
        await foreach (var entry in LogReader.ReadAsync(new MonitorPaths(containers.Store.DirOf(c.Id)), options, ctx.RequestAborted))
        {
            byte[] bytes = timestamps ? [.. System.Text.Encoding.UTF8.GetBytes(LogTime.Format(entry.Time) + " "), .. entry.Bytes] : entry.Bytes;
            await StreamFraming.Write(ctx.Response.Body, c.Config.Tty, entry.Stream == "stderr" ? StreamFraming.Stderr : StreamFraming.Stdout, bytes, ctx.RequestAborted);
        }
    }
}
