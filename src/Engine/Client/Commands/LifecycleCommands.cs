using MyDocker.Engine.Client.Streams;

namespace MyDocker.Engine.Client.Commands;

/// <summary>
/// container stop, kill, restart, rm, wait: one API call per container named; each success prints the
/// name as given (wait: the exit code). As in docker, a failure is printed and the others still run;
/// the exit code is then 1.
/// </summary>
public static class LifecycleCommands
{
    public static Task<int> Stop(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container stop", args, ["-t|--time=", "-s|--signal="]);
        cl.NeedAtLeast("container stop", 1, "[-t SECONDS] CONTAINER...");
        string query = cl.Int("container stop", "time") is int t ? $"?t={t}" : "";
        return ForEach(cl.Positional, async name => { await api.Post($"{ContainerApi.Path(name)}/stop{query}"); StdStreams.WriteLine(name); });
    }

    public static Task<int> Restart(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container restart", args, ["-t|--time="]);
        cl.NeedAtLeast("container restart", 1, "[-t SECONDS] CONTAINER...");
        string query = cl.Int("container restart", "time") is int t ? $"?t={t}" : "";
        return ForEach(cl.Positional, async name => { await api.Post($"{ContainerApi.Path(name)}/restart{query}"); StdStreams.WriteLine(name); });
    }

    public static Task<int> Kill(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container kill", args, ["-s|--signal="]);
        cl.NeedAtLeast("container kill", 1, "[-s SIGNAL] CONTAINER...");
        string query = cl.Value("signal") is { } s ? "?signal=" + ApiClient.Q(s) : "";
        return ForEach(cl.Positional, async name => { await api.Post($"{ContainerApi.Path(name)}/kill{query}"); StdStreams.WriteLine(name); });
    }

    public static Task<int> Remove(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container rm", args, ["-f|--force", "-v|--volumes"]);
        cl.NeedAtLeast("container rm", 1, "[-f] CONTAINER...");
        string query = cl.Has("force") ? "?force=1" : "";
        return ForEach(cl.Positional, async name => { await api.Delete(ContainerApi.Path(name) + query); StdStreams.WriteLine(name); });
    }

    public static Task<int> Wait(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container wait", args, []);
        cl.NeedAtLeast("container wait", 1, "CONTAINER...");
        return ForEach(cl.Positional, async name =>
            StdStreams.WriteLine((await ContainerApi.ExitCode(await ContainerApi.Wait(api, name, "not-running"))).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static async Task<int> ForEach(List<string> names, Func<string, Task> action)
    {
        int status = 0;
        foreach (string name in names)
        {
            try { await action(name); }
            catch (ClientException e) when (e.Status != 0) // the daemon said no; "no daemon" ends everything
            {
                StdStreams.ErrorLine($"mydocker: {e.Message}");
                status = 1;
            }
        }
        return status;
    }
}
