using MyDocker.Runtime.Namespaces;
using MyDocker.Runtime.Rootfs;
using MyDocker.Runtime.Seccomp;
using MyDocker.Spec;
using MyDocker.Spec.Model;
using MyDocker.Spec.Validation;

namespace MyDocker.Runtime.Features;

/// <summary>
/// features.md: what this build of mydocker can do on this host. Each list comes from the code
/// that does the work (the mount option parser, the namespace table, the seccomp name mapping),
/// so the report cannot claim more than the runtime does.
/// </summary>
public static class FeaturesReport
{
    public static Spec.Model.Features Build(string version)
    {
        string? libseccomp = null;
        try { libseccomp = SeccompFilter.LibraryVersion; }
        catch (MyDockerException) { } // libseccomp missing: seccomp reported as disabled
        catch (DllNotFoundException) { }

        var annotations = new Dictionary<string, string> { ["io.github.mydocker.version"] = version };
        if (libseccomp != null) annotations["io.github.mydocker.libseccomp.version"] = libseccomp;

        return new Spec.Model.Features
        {
            OciVersionMin = "1.0.0",
            OciVersionMax = SpecVersion.Current,
            Hooks = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
            MountOptions = MountOptions.KnownFlagOptions.Order().ToList(),
            Linux = new LinuxFeatures
            {
                Namespaces = NamespaceKind.All.Where(NamespaceKind.Supported).ToList(),
                Capabilities = KnownCapabilities(),
                Cgroup = new CgroupFeatures { V1 = true, V2 = true, Systemd = false, SystemdUser = false, Rdma = false },
                Seccomp = new SeccompFeatures
                {
                    Enabled = libseccomp != null,
                    Actions = KnownNames.SeccompActions.Where(a => a != "SCMP_ACT_NOTIFY").ToList(),
                    Operators = KnownNames.SeccompOperators.ToList(),
                    Archs = KnownNames.SeccompArchitectures.Where(Resolvable).ToList(),
                    KnownFlags = KnownNames.SeccompFlags.ToList(),
                    SupportedFlags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
                },
                Apparmor = new EnabledFeature { Enabled = File.Exists("/sys/module/apparmor/parameters/enabled") && File.ReadAllText("/sys/module/apparmor/parameters/enabled").Trim() == "Y" },
                Selinux = new EnabledFeature { Enabled = File.Exists("/sys/fs/selinux/enforce") },
                IntelRdt = new EnabledFeature { Enabled = false },
                MountExtensions = new MountExtensionsFeatures { Idmap = new EnabledFeature { Enabled = false } },
            },
            Annotations = annotations,
        };
    }

    /// <summary>The capability names this kernel has (cap_last_cap), in kernel order.</summary>
    private static List<string> KnownCapabilities()
    {
        int last = int.TryParse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), out int n) ? n : KnownNames.Capabilities.Count - 1;
        return KnownNames.Capabilities.Take(Math.Min(last + 1, KnownNames.Capabilities.Count)).ToList();
    }

    private static bool Resolvable(string arch)
    {
        try { SeccompNames.Architecture(arch, "features"); return true; }
        catch (MyDockerException) { return false; }
    }
}
