namespace MyDocker.Engine.Containers;

/// <summary>
/// Whether the kernel's OOM killer struck inside a container's memory cgroup: the "oom_kill" count of
/// memory.oom_control (cgroup v1) or memory.events (v2). Read when the container exits, before the
/// runtime's `delete` removes the cgroup.
/// </summary>
public static class OomCheck
{
    public static bool WasKilled(string cgroupPath)
    {
        foreach (string file in new[] { $"/sys/fs/cgroup/memory{cgroupPath}/memory.oom_control", $"/sys/fs/cgroup{cgroupPath}/memory.events" })
        {
            try
            {
                foreach (string line in File.ReadLines(file))
                    if (line.StartsWith("oom_kill ", StringComparison.Ordinal) && long.TryParse(line[9..], out long n)) return n > 0;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return false;
    }
}
