using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MyDocker.Engine.Api.Models;
using MyDocker.Engine.Containers;

namespace MyDocker.Engine.Api;

/// <summary>/containers/...: Docker's paths, status codes and bodies, each handler a few lines over ContainerService.</summary>
public static class ContainersEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ContainerService containers)
    {
        app.MapGet("/containers/json", (RequestDelegate)(ctx => List(ctx, containers)));
        app.MapPost("/containers/create", (RequestDelegate)(ctx => Create(ctx, containers)));
        app.MapGet("/containers/{id}/json", (RequestDelegate)(ctx =>
        {
            var c = containers.Store.Get(Query.Route(ctx, "id"));
            return Write(ctx, ContainerViews.Inspect(c, containers.Store.DirOf(c.Id)));
        }));
        app.MapPost("/containers/{id}/start", (RequestDelegate)(ctx =>
        {
            containers.Start(containers.Store.Get(Query.Route(ctx, "id")));
            ctx.Response.StatusCode = 204;
            return Task.CompletedTask;
        }));
        app.MapPost("/containers/{id}/stop", (RequestDelegate)(ctx =>
        {
            var c = containers.Store.Get(Query.Route(ctx, "id"));
            ctx.Response.StatusCode = containers.Stop(c, Query.Int(ctx, "t")) ? 204 : 304;
            return Task.CompletedTask;
        }));
        app.MapPost("/containers/{id}/restart", (RequestDelegate)(ctx =>
        {
            containers.Restart(containers.Store.Get(Query.Route(ctx, "id")), Query.Int(ctx, "t"));
            ctx.Response.StatusCode = 204;
            return Task.CompletedTask;
        }));
        app.MapPost("/containers/{id}/kill", (RequestDelegate)(ctx =>
        {
            containers.Kill(containers.Store.Get(Query.Route(ctx, "id")), Query.String(ctx, "signal") ?? "KILL");
            ctx.Response.StatusCode = 204;
            return Task.CompletedTask;
        }));
        app.MapPost("/containers/{id}/wait", (RequestDelegate)(ctx => Wait(ctx, containers)));
        app.MapDelete("/containers/{id}", (RequestDelegate)(ctx =>
        {
            containers.Remove(containers.Store.Get(Query.Route(ctx, "id")), Query.Bool(ctx, "force"));
            ctx.Response.StatusCode = 204;
            return Task.CompletedTask;
        }));
    }

    private static Task List(HttpContext ctx, ContainerService containers)
    {
        bool all = Query.Bool(ctx, "all");
        var filters = Filters(Query.String(ctx, "filters"));
        var list = new JsonArray();
        foreach (var c in containers.Store.All())
        {
            if (!all && c.State.Status != "running") continue;
            if (filters.TryGetValue("name", out var names) && !names.Any(n => c.Name.TrimStart('/').Contains(n.TrimStart('/'), StringComparison.Ordinal))) continue;
            if (filters.TryGetValue("status", out var statuses) && !statuses.Contains(c.State.Status)) continue;
            if (filters.TryGetValue("id", out var ids) && !ids.Any(i => c.Id.StartsWith(i, StringComparison.Ordinal))) continue;
            list.Add((JsonNode)ContainerViews.Summary(c));
        }
        return Write(ctx, list);
    }

    /// <summary>Docker's filters parameter: {"name": ["web"], "status": ["exited"]} (older clients: {"name": {"web": true}}).</summary>
    public static Dictionary<string, List<string>> Filters(string? json)
    {
        var result = new Dictionary<string, List<string>>();
        if (string.IsNullOrEmpty(json)) return result;
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException) { throw ApiException.BadRequest($"invalid filters {Spec.MessageText.Quote(json)}: not JSON"); }
        if (root is not JsonObject o) throw ApiException.BadRequest("invalid filters: expected a JSON object");
        foreach (var (key, value) in o)
        {
            if (key is not ("name" or "status" or "id" or "dangling" or "reference" or "label"))
                throw ApiException.BadRequest($"invalid filter {Spec.MessageText.Quote(key)}");
            var values = value switch
            {
                JsonArray a => a.Select(v => v?.ToString() ?? "").ToList(),
                JsonObject m => m.Select(kv => kv.Key).ToList(),
                _ => throw ApiException.BadRequest($"invalid filter {Spec.MessageText.Quote(key)}: expected a list"),
            };
            result[key] = values;
        }
        return result;
    }

    private static async Task Create(HttpContext ctx, ContainerService containers)
    {
        var body = await JsonSerializer.DeserializeAsync(ctx.Request.Body, EngineJson.Default.ContainerConfigBody)
            ?? throw ApiException.BadRequest("the request body must be a JSON object (the container's config)");
        var record = containers.Create(body, Query.String(ctx, "name"), PeerCredentials.Of(ctx));
        await Write(ctx, new JsonObject { ["Id"] = record.Id, ["Warnings"] = new JsonArray() }, 201);
    }

    /// <summary>
    /// POST /containers/{id}/wait?condition=not-running|next-exit|removed. The status line and headers go
    /// out at once: docker's CLI sends this before `start` and waits for the headers before it starts
    /// the container; the body, {"StatusCode": N}, follows when the condition is met.
    /// </summary>
    private static async Task Wait(HttpContext ctx, ContainerService containers)
    {
        var c = containers.Store.Get(Query.Route(ctx, "id"));
        string condition = Query.String(ctx, "condition") ?? "not-running";
        Task done = condition switch
        {
            "not-running" or "" => containers.Events.NextExit(c),
            "next-exit" => containers.Events.ExitAfterNextStart(c),
            "removed" => containers.Events.RemovedTask(c.Id),
            _ => throw ApiException.BadRequest($"invalid condition {Spec.MessageText.Quote(condition)}: use not-running, next-exit or removed"),
        };
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.StartAsync();
        await ctx.Response.Body.FlushAsync();
        await done.WaitAsync(ctx.RequestAborted);
        var body = new JsonObject { ["StatusCode"] = c.State.ExitCode };
        if (c.State.Error.Length > 0) body["Error"] = new JsonObject { ["Message"] = c.State.Error };
        await ctx.Response.WriteAsync(body.ToJsonString() + "\n");
    }

    public static Task Write(HttpContext ctx, JsonNode body, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(body.ToJsonString() + "\n");
    }
}
