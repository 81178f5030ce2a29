using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MyDocker.Engine.Api;

/// <summary>/_ping, /version, /info: what a client asks first (the CLI reads Api-Version from /_ping to pick its version).</summary>
public static class SystemEndpoints
{
    public static void Map(IEndpointRouteBuilder app, EngineContext engine)
    {
        app.MapMethods("/_ping", ["GET", "HEAD"], (RequestDelegate)(ctx =>
        {
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            ctx.Response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
            return HttpMethods.IsHead(ctx.Request.Method) ? Task.CompletedTask : ctx.Response.WriteAsync("OK");
        }));
        app.MapGet("/version", (RequestDelegate)(ctx => Json(ctx, Version(), EngineJson.Default.VersionBody)));
        app.MapGet("/info", (RequestDelegate)(ctx => Json(ctx, engine.Info(), EngineJson.Default.InfoBody)));
        // `docker inspect NAME` tries each kind of object in turn and says "No such object" only when
        // all are 404: the kinds this engine has none of answer 404, not 501.
        foreach (string kind in new[] { "networks", "volumes" })
            app.MapGet($"/{kind}/{{name}}", (RequestDelegate)(ctx =>
                throw ApiException.NotFound($"No such {kind[..^1]}: {Spec.MessageText.Escape(ctx.Request.RouteValues["name"]?.ToString() ?? "")}")));
        app.MapGet("/plugins/{name}/json", (RequestDelegate)(ctx =>
            throw ApiException.NotFound($"plugin {Spec.MessageText.Quote(ctx.Request.RouteValues["name"]?.ToString() ?? "")} not found")));
    }

    public static Task Json<T>(HttpContext ctx, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(body, type) + "\n");
    }

    private static VersionBody Version() => new()
    {
        Platform = new PlatformBody { Name = "MyDocker Engine" },
        Components = [new ComponentBody { Name = "Engine", Version = EngineInfo.Version, Details = new() { ["ApiVersion"] = ApiVersion.Current, ["Os"] = "linux", ["Arch"] = Arch } }],
        Version = EngineInfo.Version,
        ApiVersion = ApiVersion.Current,
        MinAPIVersion = ApiVersion.Minimum,
        GitCommit = "",
        GoVersion = "none (C#, .NET " + Environment.Version + ")",
        Os = "linux",
        Arch = Arch,
        KernelVersion = KernelVersion(),
        BuildTime = "",
    };

    public static string Arch => RuntimeInformation.OSArchitecture switch { Architecture.X64 => "amd64", Architecture.Arm64 => "arm64", var a => a.ToString().ToLowerInvariant() };

    /// <summary>The host's memory in bytes (/proc/meminfo's MemTotal), 0 if unknown.</summary>
    public static long MemTotal()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { }
        return 0;
    }

    public static string KernelVersion()
    {
        try { return File.ReadAllText("/proc/sys/kernel/osrelease").Trim(); }
        catch (IOException) { return ""; }
    }
}

public sealed class VersionBody
{
    public PlatformBody? Platform { get; set; }
    public List<ComponentBody>? Components { get; set; }
    public string Version { get; set; } = "";
    public string ApiVersion { get; set; } = "";
    public string MinAPIVersion { get; set; } = "";
    public string GitCommit { get; set; } = "";
    public string GoVersion { get; set; } = "";
    public string Os { get; set; } = "";
    public string Arch { get; set; } = "";
    public string KernelVersion { get; set; } = "";
    public string BuildTime { get; set; } = "";
}

public sealed class PlatformBody { public string Name { get; set; } = ""; }

public sealed class ComponentBody
{
    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public Dictionary<string, string>? Details { get; set; }
}

/// <summary>The part of Docker's /info that clients read (docker info prints these; docker-py's info() returns them).</summary>
public sealed class InfoBody
{
    public string ID { get; set; } = "";
    public int Containers { get; set; }
    public int ContainersRunning { get; set; }
    public int ContainersPaused { get; set; }
    public int ContainersStopped { get; set; }
    public int Images { get; set; }
    public string Driver { get; set; } = "overlay";
    public List<List<string>> DriverStatus { get; set; } = [];
    public string DockerRootDir { get; set; } = "";
    public string KernelVersion { get; set; } = "";
    public string OperatingSystem { get; set; } = "";
    public string OSType { get; set; } = "linux";
    public string Architecture { get; set; } = "";
    public int NCPU { get; set; }
    public long MemTotal { get; set; }
    public string Name { get; set; } = "";
    public string ServerVersion { get; set; } = "";
    public string CgroupDriver { get; set; } = "cgroupfs";
    public string CgroupVersion { get; set; } = "";
    public string DefaultRuntime { get; set; } = "mydocker";
    public Dictionary<string, RuntimeBody> Runtimes { get; set; } = new();
    public List<string> SecurityOptions { get; set; } = [];
    public bool MemoryLimit { get; set; } = true;
    public bool SwapLimit { get; set; } = true;
    public bool CpuCfsPeriod { get; set; } = true;
    public bool CpuCfsQuota { get; set; } = true;
    public bool PidsLimit { get; set; } = true;
    public bool IPv4Forwarding { get; set; }
    public string LoggingDriver { get; set; } = "json-file";
    public Dictionary<string, List<string>?> Plugins { get; set; } = new();
    public List<string> Warnings { get; set; } = [];
}

public sealed class RuntimeBody { public string Path { get; set; } = ""; }
