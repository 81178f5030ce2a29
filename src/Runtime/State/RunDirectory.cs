using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.State;

/// <summary>
/// Where the runtime keeps what lives only as long as the machine is up (state, a container's
/// network directory): /run for root; for another user, its own runtime directory, as rootless runc
/// and podman do: $XDG_RUNTIME_DIR, else /run/user/UID (what a login session makes). A hook gets no
/// environment but its `env` list, so the fallback matters there.
/// </summary>
public static class RunDirectory
{
    /// <summary>/run/NAME for root, USER_RUNTIME_DIR/NAME for anyone else.</summary>
    public static string For(string name)
    {
        uint uid = Libc.GetUid();
        if (uid == 0) return Path.Combine("/run", name);
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return Path.Combine(string.IsNullOrEmpty(xdg) ? $"/run/user/{uid}" : xdg, name);
    }
}
