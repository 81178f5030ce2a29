using MyDocker.Engine.Client.Streams;

namespace MyDocker.Engine.Client.Commands;

/// <summary>image tag SOURCE TARGET[:TAG] and image rm [-f] IMAGE...</summary>
public static class ImageTagCommands
{
    /// <summary>An image name in a path: its slashes stay ("library/busybox"), everything else escaped.</summary>
    public static string PathName(string name) => string.Join('/', name.Split('/').Select(ApiClient.Q));

    public static async Task<int> Tag(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("image tag", args, []);
        if (cl.Positional.Count != 2) throw new Spec.MyDockerException("image tag needs 2 arguments: usage: mydocker image tag SOURCE_IMAGE TARGET_IMAGE[:TAG]");
        string target = cl.Positional[1];
        int colon = target.LastIndexOf(':');
        var (repo, tag) = colon > target.LastIndexOf('/') ? (target[..colon], target[(colon + 1)..]) : (target, "latest");
        await api.Post($"/images/{PathName(cl.Positional[0])}/tag?repo={ApiClient.Q(repo)}&tag={ApiClient.Q(tag)}");
        return 0;
    }

    public static async Task<int> Remove(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("image rm", args, ["-f|--force", "--no-prune"]);
        cl.NeedAtLeast("image rm", 1, "[-f] IMAGE...");
        int status = 0;
        foreach (string name in cl.Positional)
        {
            try
            {
                var result = await api.Delete($"/images/{PathName(name)}" + (cl.Has("force") ? "?force=1" : ""));
                // [{"Untagged": "busybox:latest"}, {"Deleted": "sha256:..."}], printed as docker does.
                foreach (var item in result?.AsArray() ?? [])
                    foreach (var (kind, value) in item!.AsObject())
                        StdStreams.WriteLine($"{kind}: {value}");
            }
            catch (ClientException e) when (e.Status != 0)
            {
                StdStreams.ErrorLine($"mydocker: {e.Message}");
                status = 1;
            }
        }
        return status;
    }
}
