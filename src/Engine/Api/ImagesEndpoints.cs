using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MyDocker.Engine.Containers;
using MyDocker.Engine.Images;

namespace MyDocker.Engine.Api;

/// <summary>
/// /images/...: import (POST /images/create?fromSrc=-), load, list, inspect, tag, remove. Image names
/// may hold slashes ("library/busybox"), so /images/{name}/json and friends are matched by hand.
/// </summary>
public static class ImagesEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ImageStore images, ContainerService containers)
    {
        app.MapPost("/images/create", (RequestDelegate)(ctx => Import(ctx, images)));
        app.MapPost("/images/load", (RequestDelegate)(ctx => Load(ctx, images)));
        app.MapGet("/images/json", (RequestDelegate)(ctx => List(ctx, images)));
        app.MapGet("/images/{**rest}", (RequestDelegate)(ctx =>
        {
            string rest = Query.Route(ctx, "rest");
            if (!rest.EndsWith("/json", StringComparison.Ordinal)) throw NotImplemented(ctx);
            return ContainersEndpoints.Write(ctx, Inspect(Get(images, rest[..^5])));
        }));
        app.MapPost("/images/{**rest}", (RequestDelegate)(ctx =>
        {
            string rest = Query.Route(ctx, "rest");
            if (!rest.EndsWith("/tag", StringComparison.Ordinal)) throw NotImplemented(ctx);
            string repo = Query.String(ctx, "repo") ?? throw ApiException.BadRequest("tag: the repo parameter is required");
            string tag = Query.String(ctx, "tag") is { Length: > 0 } t ? t : "latest";
            Get(images, rest[..^4]);
            images.Tag(rest[..^4], $"{repo}:{tag}");
            ctx.Response.StatusCode = 201;
            return Task.CompletedTask;
        }));
        app.MapDelete("/images/{**name}", (RequestDelegate)(ctx =>
        {
            string name = Query.Route(ctx, "name");
            Get(images, name);
            var result = images.Remove(name, Query.Bool(ctx, "force"), containers.ImageInUse);
            var list = new JsonArray();
            foreach (var (kind, value) in result) list.Add((JsonNode)new JsonObject { [kind] = value });
            return ContainersEndpoints.Write(ctx, list);
        }));
    }

    private static ApiException NotImplemented(HttpContext ctx) =>
        new(501, $"mydocker does not implement {ctx.Request.Method} {ctx.Request.Path} (docs/ENGINE.md lists the API it serves)");

    private static ImageRecord Get(ImageStore images, string reference) =>
        images.Find(reference) ?? throw ApiException.NotFound($"No such image: {Spec.MessageText.Escape(reference)}");

    /// <summary>docker import: the body is the tar; repo/tag name it; changes are Dockerfile lines (CMD, ENV, ...).</summary>
    private static async Task Import(HttpContext ctx, ImageStore images)
    {
        if (Query.String(ctx, "fromSrc") != "-")
            throw new ApiException(501, Query.String(ctx, "fromImage") is { } from
                ? $"cannot pull {Spec.MessageText.Quote(from)}: mydocker has no registry client; use docker save/load or import"
                : "images/create: only fromSrc=- (an uploaded tar) is supported");
        string? repo = Query.String(ctx, "repo");
        string? tag = Query.String(ctx, "tag");
        // docker import sends "repo=name:tag" with an empty tag; other clients split them.
        bool repoHasTag = repo != null && repo.LastIndexOf(':') > repo.LastIndexOf('/');
        string? repoTag = string.IsNullOrEmpty(repo) ? null
            : repoHasTag && string.IsNullOrEmpty(tag) ? repo : $"{repo}:{(string.IsNullOrEmpty(tag) ? "latest" : tag)}";
        var changes = ctx.Request.Query["changes"].Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).ToList();
        var image = await Task.Run(() => images.Import(ctx.Request.Body, repoTag, changes));
        await ContainersEndpoints.Write(ctx, new JsonObject { ["status"] = image.Id });
    }

    /// <summary>docker load: the body is a `docker save` archive; the answer is the stream of messages docker prints.</summary>
    private static async Task Load(HttpContext ctx, ImageStore images)
    {
        var loaded = await Task.Run(() => images.Load(ctx.Request.Body));
        ctx.Response.ContentType = "application/json";
        foreach (var image in loaded)
        {
            string line = image.RepoTags.Count > 0
                ? string.Concat(image.RepoTags.Select(t => $"Loaded image: {t}\n"))
                : $"Loaded image ID: {image.Id}\n";
            await ctx.Response.WriteAsync(new JsonObject { ["stream"] = line }.ToJsonString() + "\n");
        }
    }

    private static Task List(HttpContext ctx, ImageStore images)
    {
        var filters = ContainersEndpoints.Filters(Query.String(ctx, "filters"));
        var list = new JsonArray();
        foreach (var i in images.List())
        {
            if (filters.TryGetValue("dangling", out var d) && d.Contains("true") != (i.RepoTags.Count == 0)) continue;
            if (filters.TryGetValue("reference", out var refs) && !i.RepoTags.Any(t => refs.Any(r => t == r || t.StartsWith(r + ":", StringComparison.Ordinal)))) continue;
            list.Add((JsonNode)new JsonObject
            {
                ["Id"] = i.Id,
                ["ParentId"] = "",
                ["RepoTags"] = new JsonArray(i.RepoTags.Select(t => (JsonNode)t).ToArray()),
                ["RepoDigests"] = new JsonArray(),
                ["Created"] = new DateTimeOffset(i.Created).ToUnixTimeSeconds(),
                ["Size"] = i.Size,
                ["VirtualSize"] = i.Size,
                ["SharedSize"] = -1,
                ["Labels"] = Labels(i.Config.Labels),
                ["Containers"] = -1,
            });
        }
        return ContainersEndpoints.Write(ctx, list);
    }

    private static JsonObject Inspect(ImageRecord i) => new()
    {
        ["Id"] = i.Id,
        ["RepoTags"] = new JsonArray(i.RepoTags.Select(t => (JsonNode)t).ToArray()),
        ["RepoDigests"] = new JsonArray(),
        ["Parent"] = "",
        ["Created"] = ContainerViews.Time(i.Created),
        ["Size"] = i.Size,
        ["VirtualSize"] = i.Size,
        ["Architecture"] = i.Architecture,
        ["Os"] = i.Os,
        ["Config"] = new JsonObject
        {
            ["Env"] = Strings(i.Config.Env),
            ["Cmd"] = Strings(i.Config.Cmd),
            ["Entrypoint"] = Strings(i.Config.Entrypoint),
            ["WorkingDir"] = i.Config.WorkingDir ?? "",
            ["User"] = i.Config.User ?? "",
            ["Labels"] = Labels(i.Config.Labels),
        },
        ["RootFS"] = new JsonObject { ["Type"] = "layers", ["Layers"] = new JsonArray(i.DiffIds.Select(d => (JsonNode)d).ToArray()) },
        ["GraphDriver"] = new JsonObject { ["Name"] = "overlay", ["Data"] = new JsonObject() },
        ["Metadata"] = new JsonObject { ["LastTagTime"] = "0001-01-01T00:00:00Z" },
    };

    private static JsonNode? Strings(List<string>? list) => list == null ? null : new JsonArray(list.Select(s => (JsonNode)s).ToArray());

    private static JsonObject Labels(Dictionary<string, string>? labels)
    {
        var o = new JsonObject();
        foreach (var (k, v) in labels ?? []) o[k] = v;
        return o;
    }
}
