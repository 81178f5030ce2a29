using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MyDocker.Engine.Api;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Engine.Daemon;

/// <summary>
/// `mydocker daemon`: Kestrel (ASP.NET Core's HTTP server) listening on a Unix socket, owned by root and
/// group mydocker with mode 0660, so the kernel itself lets only root and the group's members connect.
/// SIGINT/SIGTERM stop it (ASP.NET's host handles them); containers keep running, each under its monitor.
/// </summary>
public static class DaemonHost
{
    public static int Run(string[] args)
    {
        var options = DaemonOptions.Parse(args);
        if (Libc.GetUid() != 0) throw new MyDockerException("daemon: must run as root (it mounts container filesystems and runs the runtime)");
        uint gid = GroupFile.GidOf(options.Group);
        if (!File.Exists(options.Runtime)) throw new MyDockerException($"daemon: the runtime {options.Runtime} is missing (--runtime PATH)");
        PrepareSocketPath(options.Socket);
        Directory.CreateDirectory(options.DataRoot);

        using var log = new EngineLog(options.LogFile);
        var engine = new EngineContext(options, log);

        var builder = WebApplication.CreateSlimBuilder();
        // SIGTERM: attach sessions still open are cut after 2 s (their containers run on), not 30.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Logging.ClearProviders(); // our own one line per request (below) instead of ASP.NET's
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ListenUnixSocket(options.Socket, listen => listen.Use(HalfClose.HalfCloseMiddleware.Wrap));
            k.Limits.MaxRequestBodySize = null; // image archives are large
            k.AllowSynchronousIO = true; // the image store reads an upload with Stream.Read, on a worker thread (Task.Run)
        });
        var app = builder.Build();
        app.Use((RequestDelegate next) => ctx => LogRequest(ctx, next, log));
        app.Use((RequestDelegate next) => ctx => ApiErrors.Handle(ctx, next));
        app.Use((RequestDelegate next) => ctx => ApiVersion.StripPrefix(ctx, next));
        app.UseRouting();
        SystemEndpoints.Map(app, engine);
        ContainersEndpoints.Map(app, engine.Containers);
        AttachEndpoints.Map(app, engine.Containers);
        ProcessEndpoints.Map(app, engine.Containers);
        ExecEndpoints.Map(app, engine.Containers, new Containers.ExecService(engine.Containers));
        ImagesEndpoints.Map(app, engine.Images, engine.Containers);
        engine.Containers.Recover();
        app.MapFallback((RequestDelegate)(ctx => throw new ApiException(501,
            $"mydocker does not implement {ctx.Request.Method} {ctx.Request.Path} (docs/ENGINE.md lists the API it serves)")));

        app.Start();
        // 0660 root:GROUP. Until this chmod the socket has Kestrel's default mode (0755 here: no write
        // bit for group or others, and connect() needs write), so nobody else could connect meanwhile.
        if (Libc.Chown(options.Socket, 0, gid) < 0) throw Libc.Fail($"daemon: chown {options.Socket}");
        if (Libc.Chmod(options.Socket, 0x1b0) < 0) throw Libc.Fail($"daemon: chmod {options.Socket}");
        ulong socketInode = Libc.StatxPath(options.Socket, out var st) == 0 ? st.Ino : 0;
        log.Line($"mydocker daemon {EngineInfo.Version}: listening on {options.Socket} (group {options.Group}), data root {options.DataRoot}, runtime {options.Runtime} --root {options.RuntimeRoot}");
        app.WaitForShutdown();
        log.Line("mydocker daemon: stopped (containers keep running under their monitors)");
        // Only our own socket: a daemon started meanwhile on the same path has made a new one.
        if (Libc.StatxPath(options.Socket, out var now) == 0 && now.Ino == socketInode) TryDelete(options.Socket);
        return 0;
    }

    /// <summary>A socket file left by a daemon that died is removed; one a live daemon answers on is an error.</summary>
    private static void PrepareSocketPath(string path)
    {
        string dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        // /run/mydocker is also the runtime's default --root, which the runtime makes 0700: members of
        // the group must be able to reach the socket inside, so the directory gets the search bit for
        // others (0711: nobody but root can list it; each container's state directory stays 0700).
        var mode = File.GetUnixFileMode(dir);
        if ((mode & UnixFileMode.OtherExecute) == 0)
            File.SetUnixFileMode(dir, mode | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        if (!File.Exists(path) && !Directory.Exists(path)) return;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            throw new MyDockerException($"daemon: another daemon is listening on {path}");
        }
        catch (SocketException) { TryDelete(path); }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }

    private static async Task LogRequest(HttpContext ctx, RequestDelegate next, EngineLog log)
    {
        var clock = Stopwatch.StartNew();
        string what = $"{ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString}";
        try
        {
            await next(ctx);
        }
        finally
        {
            string error = ctx.Items.TryGetValue(ApiErrors.ErrorItem, out var e) ? $": {e}" : "";
            log.Line($"{what} {ctx.Response.StatusCode} {clock.ElapsedMilliseconds}ms{error}");
        }
    }
}
