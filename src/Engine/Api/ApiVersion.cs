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

    [GeneratedRegex(@"^/v(\d+\.\d+)(/.*)?$")]
    private static partial Regex Prefix();
}
