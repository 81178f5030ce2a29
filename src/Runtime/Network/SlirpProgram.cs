using MyDocker.Runtime.Init;
using MyDocker.Spec;

namespace MyDocker.Runtime.Network;

/// <summary>Finds the slirp4netns program before anything is started, so a missing one is the hook's first and only error.</summary>
public static class SlirpProgram
{
    /// <summary>
    /// <paramref name="program"/> as is when it has a '/', else the first executable of that name in
    /// PATH. A hook's environment is exactly the config's hooks[].env, often empty: without PATH the
    /// usual default is searched, as a shell would.
    /// </summary>
    public static string Find(string program)
    {
        if (program.Contains('/'))
            return ExecutableLookup.Problem(program) is { } problem
                ? throw new MyDockerException($"slirp4netns: {MessageText.Quote(program)}: {problem}")
                : Path.GetFullPath(program);
        string path = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } p ? p : ExecutableLookup.DefaultPath;
        foreach (string dir in path.Split(':'))
        {
            if (dir.Length == 0) continue;
            string candidate = Path.Combine(dir, program);
            if (ExecutableLookup.Problem(candidate) is null) return candidate;
        }
        throw new MyDockerException($"slirp4netns: {MessageText.Quote(program)} not found in PATH ({path}); on Debian: apt-get install slirp4netns");
    }
}
