using System.Text.Json;
using MyDocker.Spec.Model;

namespace MyDocker.Spec.Json;

// features.md: what `mydocker features` prints (Model/Features.cs).
internal static partial class SpecWriter
{
    internal static void Write(Utf8JsonWriter w, Features features)
    {
        w.WriteStartObject();
        String(w, "ociVersionMin", features.OciVersionMin);
        String(w, "ociVersionMax", features.OciVersionMax);
        Strings(w, "hooks", features.Hooks);
        Strings(w, "mountOptions", features.MountOptions);
        if (features.Linux != null) { w.WritePropertyName("linux"); Write(w, features.Linux); }
        Map(w, "annotations", features.Annotations);
        Strings(w, "potentiallyUnsafeConfigAnnotations", features.PotentiallyUnsafeConfigAnnotations);
        w.WriteEndObject();
    }

    // features-linux.md
    private static void Write(Utf8JsonWriter w, LinuxFeatures linux)
    {
        w.WriteStartObject();
        Strings(w, "namespaces", linux.Namespaces);
        Strings(w, "capabilities", linux.Capabilities);
        if (linux.Cgroup != null) { w.WritePropertyName("cgroup"); Write(w, linux.Cgroup); }
        if (linux.Seccomp != null) { w.WritePropertyName("seccomp"); Write(w, linux.Seccomp); }
        if (linux.Apparmor != null) { w.WritePropertyName("apparmor"); Write(w, linux.Apparmor); }
        if (linux.Selinux != null) { w.WritePropertyName("selinux"); Write(w, linux.Selinux); }
        if (linux.IntelRdt != null) { w.WritePropertyName("intelRdt"); Write(w, linux.IntelRdt); }
        if (linux.MountExtensions != null) { w.WritePropertyName("mountExtensions"); Write(w, linux.MountExtensions); }
        w.WriteEndObject();
    }

    // features-linux.md "Cgroup"
    private static void Write(Utf8JsonWriter w, CgroupFeatures cgroup)
    {
        w.WriteStartObject();
        Bool(w, "v1", cgroup.V1);
        Bool(w, "v2", cgroup.V2);
        Bool(w, "systemd", cgroup.Systemd);
        Bool(w, "systemdUser", cgroup.SystemdUser);
        Bool(w, "rdma", cgroup.Rdma);
        w.WriteEndObject();
    }

    // features-linux.md "Seccomp"
    private static void Write(Utf8JsonWriter w, SeccompFeatures seccomp)
    {
        w.WriteStartObject();
        Bool(w, "enabled", seccomp.Enabled);
        Strings(w, "actions", seccomp.Actions);
        Strings(w, "operators", seccomp.Operators);
        Strings(w, "archs", seccomp.Archs);
        Strings(w, "knownFlags", seccomp.KnownFlags);
        Strings(w, "supportedFlags", seccomp.SupportedFlags);
        w.WriteEndObject();
    }

    // features-linux.md "AppArmor", "SELinux", "Intel RDT", "idmap": { "enabled": ... }
    private static void Write(Utf8JsonWriter w, EnabledFeature feature)
    {
        w.WriteStartObject();
        Bool(w, "enabled", feature.Enabled);
        w.WriteEndObject();
    }

    // features-linux.md "MountExtensions"
    private static void Write(Utf8JsonWriter w, MountExtensionsFeatures extensions)
    {
        w.WriteStartObject();
        if (extensions.Idmap != null) { w.WritePropertyName("idmap"); Write(w, extensions.Idmap); }
        w.WriteEndObject();
    }
}
