using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MyDocker.Spec;

namespace MyDocker.Engine.Api;

/// <summary>
/// The one place exceptions become HTTP answers: Docker's {"message": "..."} with the status the
/// exception carries (<see cref="ApiException"/>), 400 for a body that is not the JSON asked for, 500
/// for anything else (a runtime failure carries the runtime's own line). The daemon's log gets the
/// same line. Nothing else in Api/ writes an error body.
/// </summary>
public static class ApiErrors
{
    public static async Task Handle(HttpContext ctx, RequestDelegate next)
    {
        try
        {
            await next(ctx);
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            var (status, message) = Classify(e);
            // A bug of ours (not a runtime's or a client's error): the log gets where it happened too.
            ctx.Items[ErrorItem] = message.StartsWith("internal error", StringComparison.Ordinal) ? $"{message}\n{e.StackTrace}" : message;
            await Write(ctx, status, message);
        }
    }

    public const string ErrorItem = "mydocker.error";

    public static (int Status, string Message) Classify(Exception e) => e switch
    {
        ApiException a => (a.Status, a.Message),
        Images.ImageNotFoundException n => (404, n.Message),
        Images.ImageConflictException c => (409, c.Message),
        JsonException j => (400, $"invalid JSON in the request body: {ErrorText.Of(j)}"),
        BadHttpRequestException b => (b.StatusCode, b.Message),
        _ => (500, ErrorText.Of(e)),
    };

    public static Task Write(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        if (status == 304) return Task.CompletedTask; // "not modified" (start of a running container) has no body
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(new ErrorBody(message), EngineJson.Default.ErrorBody) + "\n");
    }
}

/// <summary>Docker's error body: {"message": "..."}, lower-case (docker-py reads exactly that key).</summary>
public sealed record ErrorBody([property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message);
