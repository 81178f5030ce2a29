using System.Text.Json;
using System.Text.Json.Nodes;
using MyDocker.Engine.Client.Streams;
using MyDocker.Spec;

namespace MyDocker.Engine.Client.Commands;

/// <summary>
/// image import [-c|--change LINE]... FILE|- [REPOSITORY[:TAG]] (POST /images/create?fromSrc=-, the body
/// a root filesystem tar) and image load [-i FILE] (POST /images/load, the body a `docker save`
/// archive; stdin when no -i). The archive is streamed, never held in memory.
/// </summary>
public static class ImageTransferCommands
{
    public static async Task<int> Import(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("image import", args, ["-c|--change=", "-m|--message=", "--platform="]);
        cl.NeedAtLeast("image import", 1, "[--change LINE] FILE|- [REPOSITORY[:TAG]]");
        string query = "fromSrc=-";
        if (cl.Positional.Count > 1) query += "&repo=" + ApiClient.Q(cl.Positional[1]);
        foreach (string change in cl.Values("change")) query += "&changes=" + ApiClient.Q(change);
        if (cl.Value("message") is { } m) query += "&message=" + ApiClient.Q(m);
        await using var body = OpenSource(cl.Positional[0], "image import");
        var answer = await api.PostStream("/images/create?" + query, body, "application/x-tar");
        if (answer?["status"]?.GetValue<string>() is { } id) StdStreams.WriteLine(id);
        return 0;
    }

    public static async Task<int> Load(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("image load", args, ["-i|--input=", "-q|--quiet"]);
        string source = cl.Value("input") ?? "-";
        if (source == "-" && ClientTerminal.StdinIsTerminal)
            throw new MyDockerException("image load: the archive comes from -i FILE or from stdin, and stdin is a terminal");
        await using var body = OpenSource(source, "image load");
        using var response = await api.StreamUpload("/images/load", body, "application/x-tar");
        // The answer is a stream of JSON messages: {"stream": "Loaded image: busybox:latest\n"}, or {"errorDetail": ...}.
        string text = await response.Content.ReadAsStringAsync();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            JsonNode? message;
            try { message = JsonNode.Parse(line); }
            catch (JsonException) { StdStreams.WriteLine(line); continue; }
            if (message?["error"]?.GetValue<string>() is { } error) throw new ClientException(500, error);
            if (message?["stream"]?.GetValue<string>() is { } s && !cl.Has("quiet")) StdStreams.Write(StdStreams.Stdout, s);
        }
        return 0;
    }

    private static Stream OpenSource(string path, string verb) =>
        path == "-" ? StdStreams.OpenStdin() : ErrorText.Io($"{verb}: {path}", () => (Stream)File.OpenRead(path));
}
