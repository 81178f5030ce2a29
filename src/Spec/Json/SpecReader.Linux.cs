using MyDocker.Spec.Model;
using static MyDocker.Spec.Json.JsonKinds;

namespace MyDocker.Spec.Json;

// config-linux.md: the "linux" object, except linux.resources (SpecReader.Resources.cs).
internal static partial class SpecReader
{
    private static readonly JsonKind<Linux> LinuxKind = Object(ReadLinux);
    private static readonly JsonKind<Namespace> NamespaceKind = Object(ReadNamespace);
    private static readonly JsonKind<TimeOffset> TimeOffsetKind = Object(ReadTimeOffset);
    private static readonly JsonKind<Device> DeviceKind = Object(ReadDevice);
    private static readonly JsonKind<Personality> PersonalityKind = Object(ReadPersonality);
    private static readonly JsonKind<Seccomp> SeccompKind = Object(ReadSeccomp);
    private static readonly JsonKind<SeccompSyscall> SeccompSyscallKind = Object(ReadSeccompSyscall);
    private static readonly JsonKind<SeccompArg> SeccompArgKind = Object(ReadSeccompArg);

    private static Linux ReadLinux(JsonObjectReader o) => new()
    {
        Namespaces = o.List("namespaces", NamespaceKind),
        UidMappings = o.List("uidMappings", IdMappingKind),
        GidMappings = o.List("gidMappings", IdMappingKind),
        TimeOffsets = o.Map("timeOffsets", TimeOffsetKind),
        Devices = o.List("devices", DeviceKind),
        CgroupsPath = o.Optional("cgroupsPath", Text),
        Resources = o.Optional("resources", ResourcesKind),
        RootfsPropagation = o.Optional("rootfsPropagation", Text),
        Seccomp = o.Optional("seccomp", SeccompKind),
        Sysctl = o.Map("sysctl", Text),
        MaskedPaths = o.List("maskedPaths", Text),
        ReadonlyPaths = o.List("readonlyPaths", Text),
        MountLabel = o.Optional("mountLabel", Text),
        Personality = o.Optional("personality", PersonalityKind),
        IntelRdt = o.Nullable("intelRdt", Any),
    };

    private static Namespace ReadNamespace(JsonObjectReader o) => new()
    {
        Type = o.Required("type", Text),
        Path = o.Optional("path", Text),
    };

    private static TimeOffset ReadTimeOffset(JsonObjectReader o) => new()
    {
        Secs = o.Value("secs", I64, 0L),
        Nanosecs = o.Value("nanosecs", U32, 0u),
    };

    private static Device ReadDevice(JsonObjectReader o) => new()
    {
        Type = o.Required("type", Text),
        Path = o.Required("path", Text),
        Major = o.Nullable("major", I64),
        Minor = o.Nullable("minor", I64),
        FileMode = o.Nullable("fileMode", U32),
        Uid = o.Nullable("uid", U32),
        Gid = o.Nullable("gid", U32),
    };

    private static Personality ReadPersonality(JsonObjectReader o) => new()
    {
        Domain = o.Value("domain", Text, ""),
        Flags = o.List("flags", Text),
    };

    // config-linux.md "Seccomp".
    private static Seccomp ReadSeccomp(JsonObjectReader o) => new()
    {
        DefaultAction = o.Required("defaultAction", Text),
        DefaultErrnoRet = o.Nullable("defaultErrnoRet", U32),
        Architectures = o.List("architectures", Text),
        Flags = o.List("flags", Text),
        ListenerPath = o.Optional("listenerPath", Text),
        ListenerMetadata = o.Optional("listenerMetadata", Text),
        Syscalls = o.List("syscalls", SeccompSyscallKind),
    };

    private static SeccompSyscall ReadSeccompSyscall(JsonObjectReader o) => new()
    {
        Names = o.RequiredList("names", Text),
        Action = o.Required("action", Text),
        ErrnoRet = o.Nullable("errnoRet", U32),
        Args = o.List("args", SeccompArgKind),
    };

    private static SeccompArg ReadSeccompArg(JsonObjectReader o) => new()
    {
        Index = o.Required("index", U32),
        Value = o.Required("value", U64),
        ValueTwo = o.Nullable("valueTwo", U64),
        Op = o.Required("op", Text),
    };
}
