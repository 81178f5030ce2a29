using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using MyDocker.Spec;
using MyDocker.Spec.Json;
using MyDocker.Spec.Model;
using MyDocker.Tests.Support;

namespace MyDocker.Tests.Spec;

/// <summary>
/// SpecWriter writes the spec model by hand. Every golden file in Golden/spec-writer/ was written by System.Text.Json's
/// serializer with SpecJsonContext (SpecJson.SerializeConfig/SerializeState/SerializeProcess/SerializeFeatures, and for
/// the forms SpecJson has no method for, a context with SpecJson's options: UnsafeRelaxedJsonEscaping, indented or
/// not) before SpecJson used SpecWriter; default-spec.json and default-spec-rootless.json are DefaultSpecTests' goldens.
/// So a match means the serializer's bytes. These tests never call the serializer, so they stay valid without it.
/// A new case has no serializer to capture from any more: write its golden with MYDOCKER_UPDATE_GOLDEN=1 and review it.
/// </summary>
public class SpecWriterTests
{
    public static TheoryData<string> CaseNames => [.. SpecWriterCases.All.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void IndentedMatchesTheSerializersText(string name) =>
        Golden.Matches(SpecWriterCases.GoldenName(name, indented: true), SpecWriterCases.Write(name, indented: true));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CompactMatchesTheSerializersText(string name) =>
        Golden.Matches(SpecWriterCases.GoldenName(name, indented: false), SpecWriterCases.Write(name, indented: false));

    [Fact]
    public void CompactIsOneLineAndIndentedUsesTwoSpaces()
    {
        var config = new Config { OciVersion = "1.2.0", Root = new Root { Path = "rootfs" }, Mounts = [] };
        Assert.Equal("""{"ociVersion":"1.2.0","root":{"path":"rootfs","readonly":false},"mounts":[]}""", SpecWriter.Serialize(config, false));
        Assert.Equal("{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": {\n    \"path\": \"rootfs\",\n    \"readonly\": false\n  },\n  \"mounts\": []\n}",
            SpecWriter.Serialize(config, true));
    }

    [Fact]
    public void TextIsWrittenAsItIsExceptWhatJsonNeedsEscaped()
    {
        // JsonTextEncoder (text-config goldens): HTML characters and all non-ASCII, emoji included, as they
        // are; quote, backslash, C0 controls (\b \t \n \f \r short), DEL, C1 controls and U+2028/U+2029
        // escaped with upper-case hex; a lone surrogate is not text and becomes U+FFFD.
        string json = SpecWriter.Serialize(SpecWriterCases.Text(), false);
        Assert.Contains("\"hostname\":\"<host> & 'friends' + \\\"quotes\\\" \\\\ back\"", json);
        Assert.Contains("\"unicode\":\"zürich ñ 日本 \uD83D\uDE00\"", json);
        Assert.Contains("\"control\":\"a\\u0001b\\tc\\nd\\re\\u001Ff\\u007Fg\\bh\\fi\\u0000j\"", json);
        Assert.Contains("\"separators\":\"\\u0085 \u00A0 \\u2028 \\u2029 \u200B \uFEFF\"", json);
        Assert.Contains("\"lone surrogates\":\"x\uFFFDy\uFFFDz\"", json);
        Assert.Contains("\"nöt <ascii> & \\\"key\\\"\\t\\\\\":\"in a name\"", json);
        Assert.DoesNotContain('\r', json);
        Assert.DoesNotContain('\n', json);
    }

    [Fact]
    public void DefaultSpecsMatchTheExistingGoldens()
    {
        // The goldens DefaultSpecTests has always compared SpecJson's output with.
        Golden.Matches("default-spec.json", SpecWriter.Serialize(DefaultSpec.Create(rootless: false), true));
        Golden.Matches("default-spec-rootless.json", SpecWriter.Serialize(DefaultSpec.Create(rootless: true, uid: 1000, gid: 1001), true));
    }

    [Fact]
    public void WhatIsWrittenReadsBackTheSame()
    {
        string written = SpecWriter.Serialize(SpecWriterCases.FullConfig(), true);
        Assert.Equal(written, SpecWriter.Serialize(SpecJson.DeserializeConfig(written), true));
        string state = SpecWriter.Serialize(SpecWriterCases.StateWithAnnotations(), false);
        Assert.Equal(state, SpecWriter.Serialize(SpecJson.DeserializeState(state), false));
    }

    [Fact]
    public void EveryPropertyOfEveryModelClassIsInAGolden()
    {
        // Walks each golden together with its model type, so a property counts only where its class is.
        var seen = new HashSet<(Type, string)>();
        foreach (var (name, type) in SpecWriterCases.RootTypes())
        {
            var node = JsonNode.Parse(File.ReadAllText(RepoRoot.Combine("tests", "MyDocker.Tests", "Golden", SpecWriterCases.GoldenName(name, indented: true))));
            Walk(type, node, seen);
        }
        var missing = new List<string>();
        foreach (var type in typeof(Config).Assembly.GetTypes())
            if (type.Namespace == typeof(Config).Namespace && type.IsPublic)
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                    if (!seen.Contains((type, property.Name))) missing.Add($"{type.Name}.{property.Name}");
        Assert.True(missing.Count == 0, "no golden sets: " + string.Join(", ", missing));
    }

    private static void Walk(Type type, JsonNode? node, HashSet<(Type, string)> seen)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (node is null || type.Namespace != typeof(Config).Namespace && !type.IsGenericType) return;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) && node is JsonArray array)
        {
            foreach (var item in array) Walk(type.GetGenericArguments()[0], item, seen);
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && node is JsonObject map)
        {
            foreach (var (_, value) in map) Walk(type.GetGenericArguments()[1], value, seen);
            return;
        }
        if (type.IsGenericType || node is not JsonObject obj) return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (obj.TryGetPropertyValue(JsonNamingPolicy.CamelCase.ConvertName(property.Name), out var value))
            {
                seen.Add((type, property.Name));
                Walk(property.PropertyType, value, seen);
            }
        }
    }
}

/// <summary>The documents of SpecWriterTests, each written indented and compact.</summary>
internal static class SpecWriterCases
{
    /// <summary>Each case: a fresh model object (Config, State, Process, Resources or Features).</summary>
    public static readonly Dictionary<string, Func<object>> All = new()
    {
        ["default-spec"] = () => DefaultSpec.Create(rootless: false),
        ["default-spec-rootless"] = () => DefaultSpec.Create(rootless: true, uid: 1000, gid: 1001),
        ["full-config"] = FullConfig,
        ["minimal-config"] = () => new Config(),
        ["edges-config"] = Edges,
        ["text-config"] = Text,
        ["state"] = StateWithoutAnnotations,
        ["state-annotations"] = StateWithAnnotations,
        ["process"] = () => FullConfig().Process!,
        ["process-default"] = () => new Process(),
        ["resources"] = () => FullConfig().Linux!.Resources!,
        ["resources-empty"] = () => new Resources(),
        ["features"] = FullFeatures,
        ["features-default"] = () => new Features(),
    };

    public static string Write(string name, bool indented) => All[name]() switch
    {
        Config config => SpecWriter.Serialize(config, indented),
        State state => SpecWriter.Serialize(state, indented),
        Process process => SpecWriter.Serialize(process, indented),
        Resources resources => SpecWriter.Serialize(resources, indented),
        Features features => SpecWriter.Serialize(features, indented),
        var other => throw new ArgumentException($"no writer for {other.GetType()}"),
    };

    /// <summary>Each case's model type, for the walk over the goldens.</summary>
    public static IEnumerable<(string Name, Type Type)> RootTypes()
    {
        foreach (var (name, create) in All)
            yield return (name, create().GetType());
    }

    public static string GoldenName(string name, bool indented) =>
        $"spec-writer/{name}{(indented ? "" : ".compact")}.json";

    /// <summary>Data/full-config.json: every field of the config model set.</summary>
    public static Config FullConfig() =>
        SpecJson.DeserializeConfig(File.ReadAllText(RepoRoot.Combine("tests", "MyDocker.Tests", "Data", "full-config.json")));

    public static State StateWithoutAnnotations() => new()
    {
        Id = "web-1",
        Status = "created",
        Pid = 4422,
        Bundle = "/containers/redis",
    };

    public static State StateWithAnnotations() => new()
    {
        OciVersion = "1.0.2-dev",
        Id = "db",
        Status = "stopped",
        Pid = 0,
        Bundle = "/var/lib/bündel",
        Annotations = new() { ["org.opencontainers.image.title"] = "zürich", ["com.example.empty"] = "" },
    };

    /// <summary>features.md: every field set (FeaturesReport.Build depends on the host, so a golden cannot hold it).</summary>
    public static Features FullFeatures() => new()
    {
        OciVersionMin = "1.0.0",
        OciVersionMax = "1.2.0",
        Hooks = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
        MountOptions = ["bind", "nodev", "ro", "rbind", "tmpcopyup"],
        Linux = new LinuxFeatures
        {
            Namespaces = ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"],
            Capabilities = ["CAP_CHOWN", "CAP_KILL", "CAP_CHECKPOINT_RESTORE"],
            Cgroup = new CgroupFeatures { V1 = true, V2 = true, Systemd = false, SystemdUser = false, Rdma = false },
            Seccomp = new SeccompFeatures
            {
                Enabled = true,
                Actions = ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO"],
                Operators = ["SCMP_CMP_EQ", "SCMP_CMP_MASKED_EQ"],
                Archs = ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"],
                KnownFlags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG"],
                SupportedFlags = ["SECCOMP_FILTER_FLAG_LOG"],
            },
            Apparmor = new EnabledFeature { Enabled = true },
            Selinux = new EnabledFeature { Enabled = false },
            IntelRdt = new EnabledFeature(),
            MountExtensions = new MountExtensionsFeatures { Idmap = new EnabledFeature { Enabled = false } },
        },
        Annotations = new() { ["io.github.mydocker.version"] = "0.1.0", ["io.github.mydocker.libseccomp.version"] = "2.5.4" },
        PotentiallyUnsafeConfigAnnotations = ["com.example.unsafe", "io.kubernetes.cri-o.Devices"],
    };

    /// <summary>
    /// Strings with what JSON must escape (quote, backslash, control characters), what the relaxed encoder leaves
    /// as it is (&lt; &gt; &amp; ' +, non-ASCII) and what it still escapes (U+2028, a lone surrogate), in names and values.
    /// </summary>
    public static Config Text() => new()
    {
        OciVersion = "1.2.0+dev",
        Root = new Root { Path = "/var/lib/bündel/rootfs with space" },
        Process = new Process
        {
            Args = ["/bin/sh", "-c", "echo \"$HOME\" && cat <in >out 2>&1; echo 'done'"],
            Env = ["GREETING=grüß dich", "TAB=a\tb", "EMPTY="],
            Cwd = "/home/ユーザー",
        },
        Hostname = "<host> & 'friends' + \"quotes\" \\ back",
        Annotations = new()
        {
            ["unicode"] = "zürich ñ 日本 😀",
            ["control"] = "a\u0001b\tc\nd\re\u001Ff\u007Fg\bh\fi\0j",
            ["separators"] = "\u0085 \u00A0 \u2028 \u2029 \u200B \uFEFF",
            ["lone surrogates"] = "x\uD800y\uDC00z",
            ["html"] = "<script>alert('x&y')</script> `tick` =plus+ /slash/",
            ["nöt <ascii> & \"key\"\t\\"] = "in a name",
            [""] = "empty name",
        },
    };

    /// <summary>The edges: nulls inside lists and maps, numbers at their limits, empty lists and maps, raw intelRdt JSON.</summary>
    public static Config Edges()
    {
        var annotations = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" };
        annotations.Remove("a");
        annotations["d"] = "4"; // takes a's free slot: enumerated d, b, c, not in insertion order
        annotations["null"] = null!;
        return new Config
        {
            OciVersion = "",
            Root = new Root { Path = "", Readonly = false },
            Mounts = [new Mount { Destination = "/x", Options = [], UidMappings = [], GidMappings = [new IdMapping { ContainerID = uint.MaxValue, HostID = 0, Size = 1 }] }],
            Process = new Process
            {
                Terminal = false,
                ConsoleSize = new ConsoleSize { Height = 0, Width = uint.MaxValue },
                User = new User { Uid = uint.MaxValue, Gid = 0, Umask = 0, AdditionalGids = [] },
                Args = ["a", null!, ""],
                Env = [],
                Cwd = "/",
                Capabilities = new Capabilities(),
                Rlimits = [new Rlimit { Type = "RLIMIT_CPU", Soft = 0, Hard = ulong.MaxValue }],
                NoNewPrivileges = false,
                OomScoreAdj = int.MinValue,
                Scheduler = new Scheduler { Policy = "SCHED_OTHER", Nice = int.MaxValue, Priority = -1, Flags = [], Runtime = 0, Deadline = ulong.MaxValue },
                IoPriority = new IoPriority { Class = "IOPRIO_CLASS_IDLE", Priority = -7 },
                ExecCPUAffinity = new ExecCpuAffinity(),
            },
            Hooks = new Hooks { Prestart = [], Poststop = [new Hook { Path = "/h", Args = [], Env = [], Timeout = 0 }] },
            Annotations = annotations,
            Linux = new Linux
            {
                Namespaces = [new Namespace { Type = "pid", Path = "" }],
                UidMappings = [],
                TimeOffsets = new() { ["monotonic"] = new TimeOffset { Secs = long.MinValue, Nanosecs = uint.MaxValue }, ["boottime"] = null! },
                Devices = [new Device { Type = "b", Path = "/dev/x", Major = long.MaxValue, Minor = -1, FileMode = 0, Uid = 0, Gid = uint.MaxValue }],
                Resources = new Resources
                {
                    Devices = [],
                    Memory = new Memory { Limit = long.MinValue, Swappiness = ulong.MaxValue, DisableOOMKiller = true, UseHierarchy = false },
                    Cpu = new Cpu { Quota = -1, Period = 0, Cpus = "", Idle = 1 },
                    Pids = new Pids(),
                    BlockIO = new BlockIO { Weight = ushort.MaxValue, LeafWeight = 0, WeightDevice = [new WeightDevice { Major = -1, Minor = 0 }], ThrottleReadBpsDevice = [] },
                    HugepageLimits = [],
                    Network = new Network { ClassID = uint.MaxValue, Priorities = [] },
                    Rdma = new() { ["mlx"] = new Rdma(), ["none"] = null! },
                    Unified = new(),
                },
                Seccomp = new Seccomp
                {
                    DefaultAction = "SCMP_ACT_KILL",
                    DefaultErrnoRet = 0,
                    Syscalls = [new SeccompSyscall { Names = [], Action = "SCMP_ACT_TRACE", ErrnoRet = uint.MaxValue, Args = [new SeccompArg { Index = 5, Value = ulong.MaxValue, ValueTwo = 0, Op = "SCMP_CMP_NE" }] }],
                },
                Sysctl = new(),
                MaskedPaths = [],
                Personality = new Personality { Domain = "LINUX" },
                // Copied as it was read: number spellings, escapes, nesting.
                IntelRdt = JsonDocument.Parse("""
                    {"closID": "gr\u00fcn <&>", "n": 1.50, "e": 1E+3, "z": -0, "big": 123456789012345678901234567890,
                     "list": [true, false, null, {}, []], "esc": "\u003c\/\"", "raw": "ü"}
                    """).RootElement,
            },
        };
    }
}
