using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace MyDocker.Engine.Api;

/// <summary>
/// Docker clients prefix every path with the API version they speak ("/v1.41/containers/json"), after
/// reading the daemon's from the Api-Version header of /_ping. Version 1.41 is the one dockerd 20.10
/// serves; an older client is served the same (the subset we implement did not change shape since
/// 1.24 in ways that matter here), a newer one is told to negotiate down, as dockerd does.
/// </summary>
public static partial class ApiVersion
{
    public const string Current = "1.41", Minimum = "1.24";

    public static Task StripPrefix(HttpContext ctx, RequestDelegate next)
    {
        ctx.Response.Headers["Api-Version"] = Current;
        ctx.Response.Headers["Docker-Experimental"] = "false";
        ctx.Response.Headers["Ostype"] = "linux";
        ctx.Response.Headers["Server"] = $"MyDocker/{EngineInfo.Version} (linux)";
        RefuseDotDotId(ctx);
        var m = Prefix().Match(ctx.Request.Path.Value ?? "");
        if (m.Success)
        {
            var asked = Version.Parse(m.Groups[1].Value);
            if (asked > Version.Parse(Current))
                throw ApiException.BadRequest($"client version {m.Groups[1].Value} is too new. Maximum supported API version is {Current}");
            ctx.Request.Path = m.Groups[2].Value.Length == 0 ? "/" : m.Groups[2].Value;
        }
        return next(ctx);
    }

    /// <summary>
    /// Kestrel resolves "/containers/../x/json" to "/x/json" before routing, so an id like "../x" would
    /// reach the 501 fallback. The raw request target still has it: answer what the id deserves, a 404.
    /// </summary>
    private static void RefuseDotDotId(HttpContext ctx)
    {
        string raw = ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? "";
        int q = raw.IndexOf('?');
        if (q >= 0) raw = raw[..q];
        int at = raw.IndexOf("/containers/", StringComparison.Ordinal);
        if (at < 0 || !raw.Contains("/..", StringComparison.Ordinal) && !raw.Contains("../", StringComparison.Ordinal)) return;
        string id = raw[(at + 12)..];
        int verb = id.LastIndexOf('/');
        if (verb > 0 && id[(verb + 1)..] is "json" or "start" or "stop" or "restart" or "kill" or "wait" or "attach" or "resize" or "logs" or "top" or "stats" or "exec")
            id = id[..verb];
        if (id.Contains("..", StringComparison.Ordinal)) throw ApiException.NotFound($"No such container: {Spec.MessageText.Escape(id)}");
    }

    [GeneratedRegex(@"^/v(\d+\.\d+)(/.*)?$")]
    private static partial Regex Prefix();
}
