using System.Text.Json;
using MyDocker.Spec.Model;

namespace MyDocker.Spec.Json;

// config.md: the top level of config.json, root, mounts, process, hooks (Model/Config.cs).
internal static partial class SpecWriter
{
    internal static void Write(Utf8JsonWriter w, Config config)
    {
        w.WriteStartObject();
        String(w, "ociVersion", config.OciVersion);
        if (config.Root != null) { w.WritePropertyName("root"); Write(w, config.Root); }
        if (config.Mounts != null) { w.WritePropertyName("mounts"); Write(w, config.Mounts); }
        if (config.Process != null) { w.WritePropertyName("process"); Write(w, config.Process); }
        String(w, "hostname", config.Hostname);
        String(w, "domainname", config.Domainname);
        if (config.Hooks != null) { w.WritePropertyName("hooks"); Write(w, config.Hooks); }
        Map(w, "annotations", config.Annotations);
        if (config.Linux != null) { w.WritePropertyName("linux"); Write(w, config.Linux); }
        w.WriteEndObject();
    }

    // config.md "Root"
    private static void Write(Utf8JsonWriter w, Root root)
    {
        w.WriteStartObject();
        String(w, "path", root.Path);
        w.WriteBoolean("readonly", root.Readonly);
        w.WriteEndObject();
    }

    // config.md "Mounts"
    private static void Write(Utf8JsonWriter w, List<Mount> mounts)
    {
        w.WriteStartArray();
        foreach (var mount in mounts)
            if (mount == null) w.WriteNullValue(); else Write(w, mount);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, Mount mount)
    {
        w.WriteStartObject();
        String(w, "destination", mount.Destination);
        String(w, "type", mount.Type);
        String(w, "source", mount.Source);
        Strings(w, "options", mount.Options);
        if (mount.UidMappings != null) { w.WritePropertyName("uidMappings"); Write(w, mount.UidMappings); }
        if (mount.GidMappings != null) { w.WritePropertyName("gidMappings"); Write(w, mount.GidMappings); }
        w.WriteEndObject();
    }

    // uidMappings / gidMappings of a mount and of linux (config-linux.md "User namespace mappings")
    private static void Write(Utf8JsonWriter w, List<IdMapping> mappings)
    {
        w.WriteStartArray();
        foreach (var mapping in mappings)
            if (mapping == null) w.WriteNullValue(); else Write(w, mapping);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, IdMapping mapping)
    {
        w.WriteStartObject();
        w.WriteNumber("containerID", mapping.ContainerID);
        w.WriteNumber("hostID", mapping.HostID);
        w.WriteNumber("size", mapping.Size);
        w.WriteEndObject();
    }

    // config.md "Process"; also the whole document of `exec --process`
    internal static void Write(Utf8JsonWriter w, Process process)
    {
        w.WriteStartObject();
        w.WriteBoolean("terminal", process.Terminal);
        if (process.ConsoleSize != null) { w.WritePropertyName("consoleSize"); Write(w, process.ConsoleSize); }
        if (process.User != null) { w.WritePropertyName("user"); Write(w, process.User); }
        Strings(w, "args", process.Args);
        String(w, "commandLine", process.CommandLine);
        Strings(w, "env", process.Env);
        String(w, "cwd", process.Cwd);
        if (process.Capabilities != null) { w.WritePropertyName("capabilities"); Write(w, process.Capabilities); }
        if (process.Rlimits != null) { w.WritePropertyName("rlimits"); Write(w, process.Rlimits); }
        w.WriteBoolean("noNewPrivileges", process.NoNewPrivileges);
        String(w, "apparmorProfile", process.ApparmorProfile);
        Number(w, "oomScoreAdj", process.OomScoreAdj);
        if (process.Scheduler != null) { w.WritePropertyName("scheduler"); Write(w, process.Scheduler); }
        String(w, "selinuxLabel", process.SelinuxLabel);
        if (process.IoPriority != null) { w.WritePropertyName("ioPriority"); Write(w, process.IoPriority); }
        if (process.ExecCPUAffinity != null) { w.WritePropertyName("execCPUAffinity"); Write(w, process.ExecCPUAffinity); }
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, ConsoleSize size)
    {
        w.WriteStartObject();
        w.WriteNumber("height", size.Height);
        w.WriteNumber("width", size.Width);
        w.WriteEndObject();
    }

    // config.md "User" (POSIX platforms)
    private static void Write(Utf8JsonWriter w, User user)
    {
        w.WriteStartObject();
        w.WriteNumber("uid", user.Uid);
        w.WriteNumber("gid", user.Gid);
        Number(w, "umask", user.Umask);
        Numbers(w, "additionalGids", user.AdditionalGids);
        String(w, "username", user.Username);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, Capabilities capabilities)
    {
        w.WriteStartObject();
        Strings(w, "bounding", capabilities.Bounding);
        Strings(w, "effective", capabilities.Effective);
        Strings(w, "inheritable", capabilities.Inheritable);
        Strings(w, "permitted", capabilities.Permitted);
        Strings(w, "ambient", capabilities.Ambient);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, List<Rlimit> rlimits)
    {
        w.WriteStartArray();
        foreach (var rlimit in rlimits)
            if (rlimit == null) w.WriteNullValue(); else Write(w, rlimit);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, Rlimit rlimit)
    {
        w.WriteStartObject();
        String(w, "type", rlimit.Type);
        w.WriteNumber("soft", rlimit.Soft);
        w.WriteNumber("hard", rlimit.Hard);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, Scheduler scheduler)
    {
        w.WriteStartObject();
        String(w, "policy", scheduler.Policy);
        Number(w, "nice", scheduler.Nice);
        Number(w, "priority", scheduler.Priority);
        Strings(w, "flags", scheduler.Flags);
        Number(w, "runtime", scheduler.Runtime);
        Number(w, "deadline", scheduler.Deadline);
        Number(w, "period", scheduler.Period);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, IoPriority ioPriority)
    {
        w.WriteStartObject();
        String(w, "class", ioPriority.Class);
        w.WriteNumber("priority", ioPriority.Priority);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, ExecCpuAffinity affinity)
    {
        w.WriteStartObject();
        String(w, "initial", affinity.Initial);
        String(w, "final", affinity.Final);
        w.WriteEndObject();
    }

    // config.md "POSIX-platform Hooks"
    private static void Write(Utf8JsonWriter w, Hooks hooks)
    {
        w.WriteStartObject();
        if (hooks.Prestart != null) { w.WritePropertyName("prestart"); Write(w, hooks.Prestart); }
        if (hooks.CreateRuntime != null) { w.WritePropertyName("createRuntime"); Write(w, hooks.CreateRuntime); }
        if (hooks.CreateContainer != null) { w.WritePropertyName("createContainer"); Write(w, hooks.CreateContainer); }
        if (hooks.StartContainer != null) { w.WritePropertyName("startContainer"); Write(w, hooks.StartContainer); }
        if (hooks.Poststart != null) { w.WritePropertyName("poststart"); Write(w, hooks.Poststart); }
        if (hooks.Poststop != null) { w.WritePropertyName("poststop"); Write(w, hooks.Poststop); }
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, List<Hook> hooks)
    {
        w.WriteStartArray();
        foreach (var hook in hooks)
            if (hook == null) w.WriteNullValue(); else Write(w, hook);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, Hook hook)
    {
        w.WriteStartObject();
        String(w, "path", hook.Path);
        Strings(w, "args", hook.Args);
        Strings(w, "env", hook.Env);
        Number(w, "timeout", hook.Timeout);
        w.WriteEndObject();
    }
}
