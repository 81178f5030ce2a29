using System.Text.Json.Nodes;
using MyDocker.Engine.Client.Format;
using MyDocker.Engine.Client.Streams;

namespace MyDocker.Engine.Client.Commands;

/// <summary>
/// container inspect and image inspect [-f TEMPLATE] NAME...: the daemon's JSON, as a JSON array
/// indented by four spaces like docker's; with -f, one line per object. Names not found are reported
/// on stderr after the others, exit code 1.
/// </summary>
public static class InspectCommand
{
    public static Task<int> Container(ApiClient api, string[] args) =>
        Run(api, args, "container inspect", name => ContainerApi.Path(name) + "/json");

    public static Task<int> Image(ApiClient api, string[] args) =>
        Run(api, args, "image inspect", name => "/images/" + ImageTagCommands.PathName(name) + "/json");

    private static async Task<int> Run(ApiClient api, string[] args, string verb, Func<string, string> path)
    {
        var cl = CommandLine.Parse(verb, args, ["-f|--format=", "-s|--size"]);
        cl.NeedAtLeast(verb, 1, "[-f TEMPLATE] NAME...");
        var found = new JsonArray();
        var errors = new List<string>();
        foreach (string name in cl.Positional)
        {
            try { found.Add(await api.Get(path(name))); }
            catch (ClientException e) when (e.Status == 404) { errors.Add(e.Message); }
        }
        if (cl.Value("format") is { } template)
            foreach (var item in found) StdStreams.WriteLine(FieldTemplate.Apply(template, item));
        else
            StdStreams.WriteLine(JsonOutput.Indented(found));
        foreach (string e in errors) StdStreams.ErrorLine($"mydocker: {e}");
        return errors.Count == 0 ? 0 : 1;
    }
}
