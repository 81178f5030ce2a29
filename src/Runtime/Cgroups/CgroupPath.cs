using MyDocker.Spec;

namespace MyDocker.Runtime.Cgroups;

/// <summary>
/// linux.cgroupsPath (config-linux.md "Cgroups path") turned into the container's cgroup, the same
/// in every hierarchy:
///  - empty: "/mydocker/&lt;id&gt;" (absolute, so it does not depend on where `mydocker` itself runs);
///  - absolute ("/a/b"): that cgroup, from the root of each hierarchy;
///  - relative ("a/b"): under the runtime's own cgroup (runc's reading of the spec's "relative to the
///    cgroup of the runtime's process"; on a unified host under its parent, see CgroupManager);
///  - "slice:prefix:name" (the systemd cgroup driver's form, as engines pass it): mapped onto the
///    cgroupfs path systemd itself would use, "/&lt;expanded slice&gt;/&lt;prefix&gt;-&lt;name&gt;.scope".
///    MyDocker has no systemd driver (no D-Bus): without systemd as PID 1 that path is simply made;
///    with systemd as PID 1 it is made too, with a warning that systemd does not know the scope.
/// ".." cannot climb out: the path is cleaned as if rooted first (runc's CleanPath).
/// </summary>
public sealed record CgroupPath(string Inner, bool IsRelative)
{
    public const string DefaultParent = "/mydocker";

    public static CgroupPath Parse(string? cgroupsPath, string containerId, bool systemdIsInit = false, Action<string>? warn = null)
    {
        if (string.IsNullOrEmpty(cgroupsPath))
            return new CgroupPath($"{DefaultParent}/{containerId}", false);

        if (!cgroupsPath.StartsWith('/') && cgroupsPath.Contains(':'))
        {
            if (systemdIsInit)
                warn?.Invoke($"linux.cgroupsPath: \"{cgroupsPath}\" names a systemd scope, but MyDocker has no systemd driver: the cgroup is made directly in cgroupfs and systemd does not manage it");
            return new CgroupPath(FromSystemd(cgroupsPath), false);
        }

        bool relative = !cgroupsPath.StartsWith('/');
        string clean = Clean("/" + cgroupsPath);
        if (clean == "/")
            throw new MyDockerException($"linux.cgroupsPath: \"{cgroupsPath}\" is the root of the hierarchy; the container needs a cgroup of its own");
        return new CgroupPath(relative ? clean[1..] : clean, relative);
    }

    /// <summary>
    /// "slice:prefix:name" → "/a.slice/a-b.slice/prefix-name.scope" (systemd.unit(5), systemd.slice(5):
    /// "a-b.slice" is the child of "a.slice"; runc's ExpandSlice and getUnitName). An empty slice is
    /// "system.slice" (runc, rootful); a name ending in ".slice" is a slice itself, not a scope, and is
    /// still put under the given slice (runc's path for it).
    /// </summary>
    public static string FromSystemd(string cgroupsPath)
    {
        string[] parts = cgroupsPath.Split(':');
        if (parts.Length != 3)
            throw new MyDockerException($"linux.cgroupsPath: \"{cgroupsPath}\": expected an absolute or relative path, or \"slice:prefix:name\" for a systemd scope");
        string slice = parts[0].Length == 0 ? "system.slice" : parts[0];
        string prefix = parts[1], name = parts[2];
        if (name.Length == 0 || name.Contains('/'))
            throw new MyDockerException($"linux.cgroupsPath: \"{cgroupsPath}\": the name part must be non-empty and without \"/\"");
        if (prefix.Contains('/'))
            throw new MyDockerException($"linux.cgroupsPath: \"{cgroupsPath}\": the prefix part must not contain \"/\"");
        string unit = name.EndsWith(".slice", StringComparison.Ordinal) ? name
                    : prefix.Length == 0 ? name + ".scope"
                    : $"{prefix}-{name}.scope";
        string parent = ExpandSlice(slice, cgroupsPath);
        return parent == "/" ? "/" + unit : $"{parent}/{unit}";
    }

    /// <summary>"a-b-c.slice" → "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" (the root slice) → "/".</summary>
    public static string ExpandSlice(string slice, string whole)
    {
        const string suffix = ".slice";
        if (slice.Length <= suffix.Length || !slice.EndsWith(suffix, StringComparison.Ordinal) || slice.Contains('/'))
            throw new MyDockerException($"linux.cgroupsPath: \"{whole}\": invalid slice name \"{slice}\" (it must end in \".slice\" and have no \"/\")");
        string name = slice[..^suffix.Length];
        if (name == "-") return "/";
        var path = new System.Text.StringBuilder();
        string prefix = "";
        foreach (string component in name.Split('-'))
        {
            // "a--b.slice", "-a.slice" and "a-.slice" have empty components: systemd refuses them.
            if (component.Length == 0)
                throw new MyDockerException($"linux.cgroupsPath: \"{whole}\": invalid slice name \"{slice}\" (empty component between dashes)");
            path.Append('/').Append(prefix).Append(component).Append(suffix);
            prefix += component + "-";
        }
        return path.ToString();
    }

    /// <summary>Lexical clean of an absolute path: no ".", "..", empty or trailing components (Go's filepath.Clean).</summary>
    public static string Clean(string absolute)
    {
        var stack = new List<string>();
        foreach (string part in absolute.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..") { if (stack.Count > 0) stack.RemoveAt(stack.Count - 1); continue; }
            stack.Add(part);
        }
        return "/" + string.Join('/', stack);
    }
}
