using System.Text.Json;
using MyDocker.Spec.Model;

namespace MyDocker.Spec.Json;

// config-linux.md: the "linux" object, namespaces, devices, seccomp, personality (Model/Linux.cs).
// linux.resources is in SpecWriter.Resources.cs.
internal static partial class SpecWriter
{
    private static void Write(Utf8JsonWriter w, Linux linux)
    {
        w.WriteStartObject();
        if (linux.Namespaces != null) { w.WritePropertyName("namespaces"); Write(w, linux.Namespaces); }
        if (linux.UidMappings != null) { w.WritePropertyName("uidMappings"); Write(w, linux.UidMappings); }
        if (linux.GidMappings != null) { w.WritePropertyName("gidMappings"); Write(w, linux.GidMappings); }
        if (linux.TimeOffsets != null) { w.WritePropertyName("timeOffsets"); Write(w, linux.TimeOffsets); }
        if (linux.Devices != null) { w.WritePropertyName("devices"); Write(w, linux.Devices); }
        String(w, "cgroupsPath", linux.CgroupsPath);
        if (linux.Resources != null) { w.WritePropertyName("resources"); Write(w, linux.Resources); }
        String(w, "rootfsPropagation", linux.RootfsPropagation);
        if (linux.Seccomp != null) { w.WritePropertyName("seccomp"); Write(w, linux.Seccomp); }
        Map(w, "sysctl", linux.Sysctl);
        Strings(w, "maskedPaths", linux.MaskedPaths);
        Strings(w, "readonlyPaths", linux.ReadonlyPaths);
        String(w, "mountLabel", linux.MountLabel);
        if (linux.Personality != null) { w.WritePropertyName("personality"); Write(w, linux.Personality); }
        // Kept as the JSON it was read from (the runtime does not implement Intel RDT): copied as it is.
        if (linux.IntelRdt is JsonElement intelRdt) { w.WritePropertyName("intelRdt"); intelRdt.WriteTo(w); }
        w.WriteEndObject();
    }

    // config-linux.md "Namespaces"
    private static void Write(Utf8JsonWriter w, List<Namespace> namespaces)
    {
        w.WriteStartArray();
        foreach (var ns in namespaces)
            if (ns == null) w.WriteNullValue(); else Write(w, ns);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, Namespace ns)
    {
        w.WriteStartObject();
        String(w, "type", ns.Type);
        String(w, "path", ns.Path);
        w.WriteEndObject();
    }

    // config-linux.md "Offset for Time Namespace": keyed by clock name, in the dictionary's order
    private static void Write(Utf8JsonWriter w, Dictionary<string, TimeOffset> offsets)
    {
        w.WriteStartObject();
        foreach (var (clock, offset) in offsets)
        {
            w.WritePropertyName(clock);
            if (offset == null) w.WriteNullValue(); else Write(w, offset);
        }
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, TimeOffset offset)
    {
        w.WriteStartObject();
        w.WriteNumber("secs", offset.Secs);
        w.WriteNumber("nanosecs", offset.Nanosecs);
        w.WriteEndObject();
    }

    // config-linux.md "Devices"
    private static void Write(Utf8JsonWriter w, List<Device> devices)
    {
        w.WriteStartArray();
        foreach (var device in devices)
            if (device == null) w.WriteNullValue(); else Write(w, device);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, Device device)
    {
        w.WriteStartObject();
        String(w, "type", device.Type);
        String(w, "path", device.Path);
        Number(w, "major", device.Major);
        Number(w, "minor", device.Minor);
        Number(w, "fileMode", device.FileMode);
        Number(w, "uid", device.Uid);
        Number(w, "gid", device.Gid);
        w.WriteEndObject();
    }

    // config-linux.md "Personality"
    private static void Write(Utf8JsonWriter w, Personality personality)
    {
        w.WriteStartObject();
        String(w, "domain", personality.Domain);
        Strings(w, "flags", personality.Flags);
        w.WriteEndObject();
    }

    // config-linux.md "Seccomp"
    private static void Write(Utf8JsonWriter w, Seccomp seccomp)
    {
        w.WriteStartObject();
        String(w, "defaultAction", seccomp.DefaultAction);
        Number(w, "defaultErrnoRet", seccomp.DefaultErrnoRet);
        Strings(w, "architectures", seccomp.Architectures);
        Strings(w, "flags", seccomp.Flags);
        String(w, "listenerPath", seccomp.ListenerPath);
        String(w, "listenerMetadata", seccomp.ListenerMetadata);
        if (seccomp.Syscalls != null) { w.WritePropertyName("syscalls"); Write(w, seccomp.Syscalls); }
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, List<SeccompSyscall> syscalls)
    {
        w.WriteStartArray();
        foreach (var syscall in syscalls)
            if (syscall == null) w.WriteNullValue(); else Write(w, syscall);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, SeccompSyscall syscall)
    {
        w.WriteStartObject();
        Strings(w, "names", syscall.Names);
        String(w, "action", syscall.Action);
        Number(w, "errnoRet", syscall.ErrnoRet);
        if (syscall.Args != null) { w.WritePropertyName("args"); Write(w, syscall.Args); }
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, List<SeccompArg> args)
    {
        w.WriteStartArray();
        foreach (var arg in args)
            if (arg == null) w.WriteNullValue(); else Write(w, arg);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, SeccompArg arg)
    {
        w.WriteStartObject();
        w.WriteNumber("index", arg.Index);
        w.WriteNumber("value", arg.Value);
        Number(w, "valueTwo", arg.ValueTwo);
        String(w, "op", arg.Op);
        w.WriteEndObject();
    }
}
