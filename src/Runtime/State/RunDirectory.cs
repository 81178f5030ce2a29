using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Namespaces;

namespace MyDocker.Runtime.State;

/// <summary>
/// Where the runtime keeps what lives only as long as the machine is up (state, a container's
/// network directory): /run for root; for another user, its own runtime directory, as rootless runc
/// and podman do: $XDG_RUNTIME_DIR, else /run/user/UID (what a login session makes). A hook gets no
/// environment but its `env` list, so the fallback matters there.
///
/// Rootless podman runs the runtime as uid 0 of its user namespace, with XDG_RUNTIME_DIR set: that
/// is not the machine's root, so XDG_RUNTIME_DIR is used (runc's shouldHonorXDGRuntimeDir: unless
/// USER says "root").
/// </summary>
public static class RunDirectory
{
    /// <summary>/run/NAME for root, USER_RUNTIME_DIR/NAME for anyone else.</summary>
    public static string For(string name)
    {
        uint uid = Libc.GetUid();
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (uid == 0)
        {
            bool honourXdg = !string.IsNullOrEmpty(xdg) && Environment.GetEnvironmentVariable("USER") != "root" && !CallerUserNamespace.IsInitial();
            return Path.Combine(honourXdg ? xdg! : "/run", name);
        }
        return Path.Combine(string.IsNullOrEmpty(xdg) ? $"/run/user/{uid}" : xdg, name);
    }
}
