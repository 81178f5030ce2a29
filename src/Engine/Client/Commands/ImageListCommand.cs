using System.Text.Json.Nodes;
using MyDocker.Engine.Client.Format;
using MyDocker.Engine.Client.Streams;

namespace MyDocker.Engine.Client.Commands;

/// <summary>image ls [-a] [-q] [--no-trunc] [REPOSITORY[:TAG]]: GET /images/json, one row per tag, newest first.</summary>
public static class ImageListCommand
{
    public static async Task<int> Run(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("image ls", args, ["-a|--all", "-q|--quiet", "--no-trunc"]);
        string query = cl.Positional.Count > 0
            ? "?filters=" + ApiClient.Q(new JsonObject { ["reference"] = new JsonArray(cl.Positional[0]) }.ToJsonString())
            : "";
        var images = ((await api.Get("/images/json" + query))?.AsArray() ?? []).OfType<JsonObject>()
            .OrderByDescending(i => i["Created"]?.GetValue<long>() ?? 0).ToList();
        bool noTrunc = cl.Has("no-trunc");
        if (cl.Has("quiet"))
        {
            foreach (string id in images.Select(i => Id(i, noTrunc)).Distinct()) StdStreams.WriteLine(id);
            return 0;
        }
        var table = new TextTable("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
        foreach (var i in images)
        {
            var tags = (i["RepoTags"]?.AsArray() ?? []).Select(t => t?.GetValue<string>() ?? "").Where(t => t.Length > 0).ToList();
            if (tags.Count == 0) tags.Add("<none>:<none>");
            foreach (string t in tags)
            {
                int colon = t.LastIndexOf(':');
                table.Add(t[..colon], t[(colon + 1)..], Id(i, noTrunc),
                    HumanUnits.Ago(i["Created"]?.GetValue<long>() ?? 0), HumanUnits.Size(i["Size"]?.GetValue<long>() ?? 0));
            }
        }
        StdStreams.Write(StdStreams.Stdout, table.ToString());
        return 0;
    }

    private static string Id(JsonObject image, bool noTrunc)
    {
        string id = image["Id"]?.GetValue<string>() ?? "";
        return noTrunc ? id : ListCommand.ShortId(id);
    }
}
