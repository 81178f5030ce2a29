using MyDocker.Engine.Client.Streams;

namespace MyDocker.Engine.Client.Commands;

/// <summary>container logs [-f] [--tail N] [-t] [--since UNIX] ID: GET /containers/{id}/logs, a TTY's log raw, others demultiplexed.</summary>
public static class LogsCommand
{
    public static async Task<int> Run(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container logs", args, ["-f|--follow", "-n|--tail=", "-t|--timestamps", "--since="]);
        cl.NeedAtLeast("container logs", 1, "[-f] [--tail N] [-t] CONTAINER");
        string query = "stdout=1&stderr=1"
            + (cl.Has("follow") ? "&follow=1" : "")
            + (cl.Has("timestamps") ? "&timestamps=1" : "")
            + (cl.Value("tail") is { } tail ? "&tail=" + ApiClient.Q(tail) : "")
            + (cl.Value("since") is { } since ? "&since=" + ApiClient.Q(since) : "");
        using var response = await api.Stream(HttpMethod.Get, $"{ContainerApi.Path(cl.Positional[0])}/logs?{query}");
        await using var body = await response.Content.ReadAsStreamAsync();
        try
        {
            if (response.Content.Headers.ContentType?.MediaType == "application/vnd.docker.raw-stream")
                await StdCopy.Raw(body, StdStreams.Stdout);
            else
                await StdCopy.Demultiplex(body, StdStreams.Stdout, StdStreams.Stderr);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new ClientException(0, $"lost the connection to the daemon: {(e.InnerException ?? e).Message}");
        }
        return 0;
    }
}
