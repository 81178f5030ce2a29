using MyDocker.Spec.Model;
using static MyDocker.Spec.Json.JsonKinds;

namespace MyDocker.Spec.Json;

/// <summary>
/// Reads the spec documents into the model, one method per model class, fields in the model's order.
/// Required fields (the spec's JSON schema "required") use <see cref="JsonObjectReader.Required"/>.
/// This part: config.md (the top level, root, mounts, process, hooks) and runtime.md's state.
/// </summary>
internal static partial class SpecReader
{
    public static readonly JsonKind<Config> ConfigKind = Object(ReadConfig);
    public static readonly JsonKind<State> StateKind = Object(ReadState);
    public static readonly JsonKind<Process> ProcessKind = Object(ReadProcess);

    private static readonly JsonKind<Root> RootKind = Object(ReadRoot);
    private static readonly JsonKind<Mount> MountKind = Object(ReadMount);
    private static readonly JsonKind<ConsoleSize> ConsoleSizeKind = Object(ReadConsoleSize);
    private static readonly JsonKind<User> UserKind = Object(ReadUser);
    private static readonly JsonKind<Capabilities> CapabilitiesKind = Object(ReadCapabilities);
    private static readonly JsonKind<Rlimit> RlimitKind = Object(ReadRlimit);
    private static readonly JsonKind<Scheduler> SchedulerKind = Object(ReadScheduler);
    private static readonly JsonKind<IoPriority> IoPriorityKind = Object(ReadIoPriority);
    private static readonly JsonKind<ExecCpuAffinity> ExecCpuAffinityKind = Object(ReadExecCpuAffinity);
    private static readonly JsonKind<Hooks> HooksKind = Object(ReadHooks);
    private static readonly JsonKind<Hook> HookKind = Object(ReadHook);
    private static readonly JsonKind<IdMapping> IdMappingKind = Object(ReadIdMapping);

    private static Config ReadConfig(JsonObjectReader o) => new()
    {
        OciVersion = o.Required("ociVersion", Text),
        Root = o.Optional("root", RootKind),
        Mounts = o.List("mounts", MountKind),
        Process = o.Optional("process", ProcessKind),
        Hostname = o.Optional("hostname", Text),
        Domainname = o.Optional("domainname", Text),
        Hooks = o.Optional("hooks", HooksKind),
        Annotations = o.Map("annotations", Text),
        Linux = o.Optional("linux", LinuxKind),
    };

    private static Root ReadRoot(JsonObjectReader o) => new()
    {
        Path = o.Required("path", Text),
        Readonly = o.Value("readonly", Bool, false),
    };

    private static Mount ReadMount(JsonObjectReader o) => new()
    {
        Destination = o.Required("destination", Text),
        Type = o.Optional("type", Text),
        Source = o.Optional("source", Text),
        Options = o.List("options", Text),
        UidMappings = o.List("uidMappings", IdMappingKind),
        GidMappings = o.List("gidMappings", IdMappingKind),
    };

    private static Process ReadProcess(JsonObjectReader o) => new()
    {
        Terminal = o.Value("terminal", Bool, false),
        ConsoleSize = o.Optional("consoleSize", ConsoleSizeKind),
        User = o.Value("user", UserKind, new User()),
        Args = o.List("args", Text),
        CommandLine = o.Optional("commandLine", Text),
        Env = o.List("env", Text),
        Cwd = o.Required("cwd", Text),
        Capabilities = o.Optional("capabilities", CapabilitiesKind),
        Rlimits = o.List("rlimits", RlimitKind),
        NoNewPrivileges = o.Value("noNewPrivileges", Bool, false),
        ApparmorProfile = o.Optional("apparmorProfile", Text),
        OomScoreAdj = o.Nullable("oomScoreAdj", I32),
        Scheduler = o.Optional("scheduler", SchedulerKind),
        SelinuxLabel = o.Optional("selinuxLabel", Text),
        IoPriority = o.Optional("ioPriority", IoPriorityKind),
        ExecCPUAffinity = o.Optional("execCPUAffinity", ExecCpuAffinityKind),
    };

    private static ConsoleSize ReadConsoleSize(JsonObjectReader o) => new()
    {
        Height = o.Required("height", U32),
        Width = o.Required("width", U32),
    };

    private static User ReadUser(JsonObjectReader o) => new()
    {
        Uid = o.Value("uid", U32, 0u),
        Gid = o.Value("gid", U32, 0u),
        Umask = o.Nullable("umask", U32),
        AdditionalGids = o.List("additionalGids", U32),
        Username = o.Optional("username", Text),
    };

    private static Capabilities ReadCapabilities(JsonObjectReader o) => new()
    {
        Bounding = o.List("bounding", Text),
        Effective = o.List("effective", Text),
        Inheritable = o.List("inheritable", Text),
        Permitted = o.List("permitted", Text),
        Ambient = o.List("ambient", Text),
    };

    private static Rlimit ReadRlimit(JsonObjectReader o) => new()
    {
        Type = o.Required("type", Text),
        Soft = o.Required("soft", U64),
        Hard = o.Required("hard", U64),
    };

    private static Scheduler ReadScheduler(JsonObjectReader o) => new()
    {
        Policy = o.Required("policy", Text),
        Nice = o.Nullable("nice", I32),
        Priority = o.Nullable("priority", I32),
        Flags = o.List("flags", Text),
        Runtime = o.Nullable("runtime", U64),
        Deadline = o.Nullable("deadline", U64),
        Period = o.Nullable("period", U64),
    };

    private static IoPriority ReadIoPriority(JsonObjectReader o) => new()
    {
        Class = o.Required("class", Text),
        Priority = o.Value("priority", I32, 0),
    };

    private static ExecCpuAffinity ReadExecCpuAffinity(JsonObjectReader o) => new()
    {
        Initial = o.Optional("initial", Text),
        Final = o.Optional("final", Text),
    };

    private static Hooks ReadHooks(JsonObjectReader o) => new()
    {
        Prestart = o.List("prestart", HookKind),
        CreateRuntime = o.List("createRuntime", HookKind),
        CreateContainer = o.List("createContainer", HookKind),
        StartContainer = o.List("startContainer", HookKind),
        Poststart = o.List("poststart", HookKind),
        Poststop = o.List("poststop", HookKind),
    };

    private static Hook ReadHook(JsonObjectReader o) => new()
    {
        Path = o.Required("path", Text),
        Args = o.List("args", Text),
        Env = o.List("env", Text),
        Timeout = o.Nullable("timeout", I32),
    };

    private static IdMapping ReadIdMapping(JsonObjectReader o) => new()
    {
        ContainerID = o.Required("containerID", U32),
        HostID = o.Required("hostID", U32),
        Size = o.Required("size", U32),
    };

    // runtime.md "State" (what hooks receive; `state` prints it).
    private static State ReadState(JsonObjectReader o) => new()
    {
        OciVersion = o.Value("ociVersion", Text, SpecVersion.Current),
        Id = o.Value("id", Text, ""),
        Status = o.Value("status", Text, ""),
        Pid = o.Value("pid", I32, 0),
        Bundle = o.Value("bundle", Text, ""),
        Annotations = o.Map("annotations", Text),
    };
}
