using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace MyDocker.Engine.Api;

/// <summary>Query parameters as Docker reads them: booleans are "1"/"true"/"True", numbers are decimal; a bad one is a 400 naming it.</summary>
public static class Query
{
    public static bool Bool(HttpContext ctx, string name, bool fallback = false)
    {
        string? v = ctx.Request.Query[name];
        if (string.IsNullOrEmpty(v)) return fallback;
        return v switch
        {
            "1" or "true" or "True" or "TRUE" => true,
            "0" or "false" or "False" or "FALSE" => false,
            _ => throw ApiException.BadRequest($"query parameter {name}={v}: expected a boolean (1/true or 0/false)"),
        };
    }

    public static int? Int(HttpContext ctx, string name)
    {
        string? v = ctx.Request.Query[name];
        if (string.IsNullOrEmpty(v)) return null;
        return int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n
            : throw ApiException.BadRequest($"query parameter {name}={v}: expected an integer");
    }

    public static string? String(HttpContext ctx, string name) => ctx.Request.Query[name] is { Count: > 0 } v ? v.ToString() : null;

    public static string Route(HttpContext ctx, string name) => ctx.Request.RouteValues[name]?.ToString() ?? "";
}
