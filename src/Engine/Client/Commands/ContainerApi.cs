using System.Text.Json;
using System.Text.Json.Nodes;
using MyDocker.Engine.Client.Streams;

namespace MyDocker.Engine.Client.Commands;

/// <summary>Calls several verbs share: create, start, the wait request, the exit-code rules of docker's CLI.</summary>
public static class ContainerApi
{
    public static string Path(string id) => "/containers/" + ApiClient.Q(id);

    /// <summary>POST /containers/create. A missing image is reported as docker does: "Unable to find image 'X' locally", then the error.</summary>
    public static async Task<string> Create(ApiClient api, RunOptions o)
    {
        string body = JsonSerializer.Serialize(o.Body, Api.EngineJson.Default.ContainerConfigBody);
        try
        {
            var answer = await api.Post("/containers/create" + (o.Name != null ? "?name=" + ApiClient.Q(o.Name) : ""), body);
            foreach (var w in answer?["Warnings"]?.AsArray() ?? []) StdStreams.ErrorLine($"WARNING: {w}");
            return answer?["Id"]?.GetValue<string>() ?? throw new ClientException(0, "the daemon's create answer has no Id");
        }
        catch (ClientException e) when (e.Status == 404 && e.Message.Contains("No such image", StringComparison.Ordinal))
        {
            StdStreams.ErrorLine($"Unable to find image '{WithTag(o.Image)}' locally");
            throw;
        }
    }

    private static string WithTag(string image) =>
        image.Contains('@') || image.LastIndexOf(':') > image.LastIndexOf('/') ? image : image + ":latest";

    /// <summary>
    /// POST /containers/{id}/wait, sent before start as docker's CLI does: the daemon answers the
    /// headers at once and the body ({"StatusCode": N}) at the exit. <see cref="ExitCode"/> reads it.
    /// </summary>
    public static Task<HttpResponseMessage> Wait(ApiClient api, string id, string condition) =>
        api.Stream(HttpMethod.Post, $"{Path(id)}/wait?condition={condition}");

    public static async Task<int> ExitCode(HttpResponseMessage wait)
    {
        using (wait)
        {
            string text;
            try { text = await wait.Content.ReadAsStringAsync(); }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new ClientException(0, $"lost the connection to the daemon while waiting for the container's exit: {(e.InnerException ?? e).Message}");
            }
            JsonNode? status;
            try { status = JsonNode.Parse(text); }
            catch (JsonException) { throw new ClientException(0, $"the daemon's wait answer is not JSON: {Spec.MessageText.Quote(text)}"); }
            if (status?["Error"]?["Message"]?.GetValue<string>() is { Length: > 0 } error) StdStreams.ErrorLine($"mydocker: {error}");
            return status?["StatusCode"]?.GetValue<int>() ?? throw new ClientException(0, $"the daemon's wait answer has no StatusCode: {Spec.MessageText.Quote(text)}");
        }
    }

    /// <summary>
    /// docker's CLI turns a failed start into the shell's exit codes: 127 for a command that does not
    /// exist, 126 for one that cannot be run, else 125.
    /// </summary>
    public static int StartFailureCode(string message) =>
        message.Contains("executable file not found", StringComparison.Ordinal) || message.Contains("no such file or directory", StringComparison.Ordinal) ? 127
        : message.Contains("permission denied", StringComparison.Ordinal) || message.Contains("is a directory", StringComparison.Ordinal) ? 126
        : 125;

    public static async Task<JsonNode> Inspect(ApiClient api, string id) =>
        await api.Get(Path(id) + "/json") ?? throw new ClientException(0, $"the daemon's inspect answer for {Spec.MessageText.Quote(id)} is empty");
}
