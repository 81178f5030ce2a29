using MyDocker.Spec;
using MyDocker.Spec.Model;
using MyDocker.Spec.Validation;

namespace MyDocker.Tests.Spec;

/// <summary>
/// Every ConfigValidator rule, each with its exact message. Each test starts from the default spec
/// (valid), breaks one thing, and checks the one line that comes out.
/// </summary>
public class ConfigValidatorTests
{
    private static Config Valid() => DefaultSpec.Create(rootless: false);

    private static Config ValidRootless() => DefaultSpec.Create(rootless: true, uid: 1000, gid: 1000);

    private static void Fails(Config config, string expected)
    {
        var e = Assert.Throws<MyDockerException>(() => ConfigValidator.Validate(config));
        Assert.Equal("config.json: " + expected, e.Message);
    }

    private static void Fails(Action<Config> change, string expected)
    {
        var config = Valid();
        change(config);
        Fails(config, expected);
    }

    private static void Passes(Action<Config> change)
    {
        var config = Valid();
        change(config);
        ConfigValidator.Validate(config);
        Assert.Empty(ConfigValidator.Check(config));
    }

    private static string OneOf(IReadOnlyList<string> names) => $"(expected one of {string.Join(", ", names)})";

    // ---- the whole document ----

    [Fact]
    public void DefaultSpecsAreValid()
    {
        ConfigValidator.ValidateForCreate(Valid());
        ConfigValidator.ValidateForCreate(ValidRootless());
        Assert.Empty(ConfigValidator.Check(Valid(), forCreate: true));
    }

    [Fact]
    public void CheckListsEveryProblemInDocumentOrderAndValidateThrowsTheFirst()
    {
        var config = Valid();
        config.OciVersion = "2.0.0";
        config.Process!.Cwd = "tmp";
        config.Linux!.MaskedPaths![0] = "proc/acpi";
        Assert.Equal(
        [
            "ociVersion: unsupported version 2.0.0 (this runtime implements 1.x)",
            "process.cwd: must be an absolute path, got \"tmp\"",
            "linux.maskedPaths[0]: must be an absolute path, got \"proc/acpi\"",
        ], ConfigValidator.Check(config));
        Fails(config, "ociVersion: unsupported version 2.0.0 (this runtime implements 1.x)");
    }

    // ---- ociVersion ----

    [Fact]
    public void OciVersionMustBeSet() => Fails(c => c.OciVersion = "", "ociVersion: must not be empty");

    [Theory]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("1.02.0")]
    [InlineData("latest")]
    public void OciVersionMustBeSemVer(string version) =>
        Fails(c => c.OciVersion = version, $"ociVersion: \"{version}\" is not a SemVer version such as 1.2.0");

    [Theory]
    [InlineData("2.0.0")]
    [InlineData("0.1.0")]
    [InlineData("10.0.0-rc1")]
    public void OciVersionMustBeOneDotX(string version) =>
        Fails(c => c.OciVersion = version, $"ociVersion: unsupported version {version} (this runtime implements 1.x)");

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1.0.2-dev")]
    [InlineData("1.0.0-rc5+dev.1")]
    [InlineData("1.3.0")]
    public void OneDotXVersionsPass(string version) => Passes(c => c.OciVersion = version);

    // ---- root ----

    [Fact]
    public void RootIsRequired() => Fails(c => c.Root = null, "root: is required");

    [Fact]
    public void RootPathMustNotBeEmpty() => Fails(c => c.Root!.Path = "", "root.path: must not be empty");

    [Fact]
    public void RootPathMayBeAbsoluteOrRelative()
    {
        Passes(c => c.Root!.Path = "/var/lib/rootfs");
        Passes(c => c.Root!.Path = "my/rootfs");
    }

    // ---- process ----

    [Fact]
    public void ProcessIsOptionalExceptForCreate()
    {
        var config = Valid();
        config.Process = null;
        ConfigValidator.Validate(config);
        var e = Assert.Throws<MyDockerException>(() => ConfigValidator.ValidateForCreate(config));
        Assert.Equal("config.json: process: is required", e.Message);
    }

    [Fact]
    public void ArgsMustNotBeEmpty()
    {
        Fails(c => c.Process!.Args = [], "process.args: must not be empty");
        Fails(c => c.Process!.Args = null, "process.args: must not be empty");
        Fails(c => c.Process!.Args = ["", "x"], "process.args[0]: must not be empty");
    }

    [Fact]
    public void CwdMustBeAbsolute()
    {
        Fails(c => c.Process!.Cwd = "tmp", "process.cwd: must be an absolute path, got \"tmp\"");
        Fails(c => c.Process!.Cwd = "", "process.cwd: must be an absolute path, got \"\"");
    }

    [Theory]
    [InlineData("FOO")]
    [InlineData("=value")]
    [InlineData("")]
    public void EnvEntriesAreKeyEqualsValue(string entry) =>
        Fails(c => c.Process!.Env!.Add(entry), $"process.env[2]: \"{entry}\" is not of the form KEY=value");

    [Fact]
    public void EnvValuesMayBeEmptyOrHoldEquals() => Passes(c => c.Process!.Env!.AddRange(["EMPTY=", "OPTS=a=b"]));

    [Fact]
    public void EnvEntriesMustNotBeNull() => Fails(c => c.Process!.Env!.Add(null!), "process.env[2]: must not be null");

    [Fact]
    public void RlimitTypeMustBeKnown() =>
        Fails(c => c.Process!.Rlimits!.Add(new Rlimit { Type = "RLIMIT_FOO", Soft = 1, Hard = 1 }),
            $"process.rlimits[1].type: unknown rlimit \"RLIMIT_FOO\" {OneOf(KnownNames.Rlimits)}");

    [Fact]
    public void RlimitSoftMustNotExceedHard() =>
        Fails(c => c.Process!.Rlimits![0].Soft = 2048, "process.rlimits[0]: soft limit 2048 is greater than hard limit 1024");

    [Fact]
    public void RlimitTypesAreUnique() =>
        Fails(c => c.Process!.Rlimits!.Add(new Rlimit { Type = "RLIMIT_NOFILE", Soft = 1, Hard = 1 }),
            "process.rlimits[1].type: duplicate RLIMIT_NOFILE (first at process.rlimits[0])");

    [Fact]
    public void EveryKnownRlimitPasses() =>
        Passes(c => c.Process!.Rlimits = KnownNames.Rlimits.Select(t => new Rlimit { Type = t, Soft = 1, Hard = 2 }).ToList());

    [Fact]
    public void CapabilitiesMustBeKnown()
    {
        Fails(c => c.Process!.Capabilities!.Effective!.Add("CAP_FOO"), "process.capabilities.effective[3]: unknown capability \"CAP_FOO\"");
        Fails(c => c.Process!.Capabilities!.Bounding![0] = "cap_chown", "process.capabilities.bounding[0]: unknown capability \"cap_chown\"");
        Fails(c => c.Process!.Capabilities!.Inheritable = ["CHOWN"], "process.capabilities.inheritable[0]: unknown capability \"CHOWN\"");
        Fails(c => c.Process!.Capabilities!.Permitted!.Add("CAP_SYS_ADMIN "), "process.capabilities.permitted[3]: unknown capability \"CAP_SYS_ADMIN \"");
        Fails(c => c.Process!.Capabilities!.Ambient = ["CAP_KILL", "CAP_NOPE"], "process.capabilities.ambient[1]: unknown capability \"CAP_NOPE\"");
    }

    [Fact]
    public void EveryLinux6CapabilityPasses() =>
        Passes(c => c.Process!.Capabilities!.Bounding = [.. KnownNames.Capabilities]);

    [Fact]
    public void OomScoreAdjIsInRange()
    {
        Fails(c => c.Process!.OomScoreAdj = 1001, "process.oomScoreAdj: must be between -1000 and 1000, got 1001");
        Fails(c => c.Process!.OomScoreAdj = -1001, "process.oomScoreAdj: must be between -1000 and 1000, got -1001");
        Passes(c => c.Process!.OomScoreAdj = -1000);
    }

    [Fact]
    public void SchedulerPolicyAndFlagsAreKnown()
    {
        Fails(c => c.Process!.Scheduler = new Scheduler { Policy = "SCHED_FAST" },
            $"process.scheduler.policy: unknown policy \"SCHED_FAST\" {OneOf(KnownNames.SchedulerPolicies)}");
        Fails(c => c.Process!.Scheduler = new Scheduler { Policy = "SCHED_RR", Flags = ["SCHED_FLAG_RECLAIM", "SCHED_FLAG_X"] },
            $"process.scheduler.flags[1]: unknown flag \"SCHED_FLAG_X\" {OneOf(KnownNames.SchedulerFlags)}");
        Passes(c => c.Process!.Scheduler = new Scheduler { Policy = "SCHED_DEADLINE", Flags = ["SCHED_FLAG_DL_OVERRUN"] });
    }

    [Fact]
    public void IoPriorityClassAndLevel()
    {
        Fails(c => c.Process!.IoPriority = new IoPriority { Class = "IOPRIO_CLASS_NONE" },
            "process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\" (expected one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)");
        Fails(c => c.Process!.IoPriority = new IoPriority { Class = "IOPRIO_CLASS_BE", Priority = 8 },
            "process.ioPriority.priority: must be between 0 and 7, got 8");
        Passes(c => c.Process!.IoPriority = new IoPriority { Class = "IOPRIO_CLASS_IDLE", Priority = 7 });
    }

    // ---- hostname, domainname ----

    [Fact]
    public void HostnameNeedsAUtsNamespace()
    {
        Fails(c => c.Linux!.Namespaces!.RemoveAll(n => n.Type == "uts"), "hostname: needs a new uts namespace in linux.namespaces");
        Fails(c => c.Linux = null, "hostname: needs a new uts namespace in linux.namespaces");
    }

    [Fact]
    public void DomainnameNeedsAUtsNamespace() => Fails(c =>
    {
        c.Hostname = null;
        c.Domainname = "example.org";
        c.Linux!.Namespaces!.RemoveAll(n => n.Type == "uts");
    }, "domainname: needs a new uts namespace in linux.namespaces");

    [Fact]
    public void HostnameWithAJoinedUtsNamespaceOrNoHostnamePasses()
    {
        Passes(c => c.Linux!.Namespaces!.Single(n => n.Type == "uts").Path = "/proc/1234/ns/uts");
        Passes(c =>
        {
            c.Hostname = "";
            c.Linux!.Namespaces!.RemoveAll(n => n.Type == "uts");
        });
    }

    // ---- annotations ----

    [Fact]
    public void AnnotationKeysMustNotBeEmpty() =>
        Fails(c => c.Annotations = new() { ["org.example"] = "x", [""] = "y" }, "annotations: keys must not be empty");

    [Fact]
    public void AnnotationValuesMayBeEmpty() => Passes(c => c.Annotations = new() { ["org.example.flag"] = "" });

    // ---- mounts ----

    [Fact]
    public void MountDestinationMustBeAbsolute()
    {
        Fails(c => c.Mounts![0].Destination = "", "mounts[0].destination: must not be empty");
        Fails(c => c.Mounts!.Add(new Mount { Destination = "data", Type = "tmpfs", Source = "tmpfs" }),
            "mounts[7].destination: must be an absolute path, got \"data\"");
    }

    [Fact]
    public void MountEntriesMustNotBeNull() => Fails(c => c.Mounts![1] = null!, "mounts[1]: must not be null");

    [Fact]
    public void MountIdMappingsComeInPairs() => Fails(c => c.Mounts!.Add(new Mount
    {
        Destination = "/data", Type = "none", Source = "/srv", Options = ["rbind", "idmap"],
        UidMappings = [new IdMapping { ContainerID = 0, HostID = 100000, Size = 65536 }],
    }), "mounts[7]: uidMappings and gidMappings must be given together");

    [Fact]
    public void MountIdMappingsCoverAtLeastOneId() => Fails(c => c.Mounts!.Add(new Mount
    {
        Destination = "/data", Type = "none", Source = "/srv", Options = ["rbind", "idmap"],
        UidMappings = [new IdMapping { ContainerID = 0, HostID = 100000, Size = 65536 }],
        GidMappings = [new IdMapping { ContainerID = 0, HostID = 100000, Size = 0 }],
    }), "mounts[7].gidMappings[0].size: must be greater than 0");

    [Fact]
    public void IdmapOptionNeedsMappingsOrAUserNamespace()
    {
        var idmapped = new Mount { Destination = "/data", Type = "none", Source = "/srv", Options = ["rbind", "ridmap"] };
        Fails(c => c.Mounts!.Add(idmapped), "mounts[7].options: idmap needs uidMappings and gidMappings on the mount or a user namespace");
        var rootless = ValidRootless();
        rootless.Mounts!.Add(idmapped);
        ConfigValidator.Validate(rootless);
    }

    // ---- hooks ----

    [Theory]
    [InlineData("prestart")]
    [InlineData("createRuntime")]
    [InlineData("createContainer")]
    [InlineData("startContainer")]
    [InlineData("poststart")]
    [InlineData("poststop")]
    public void HookPathMustBeAbsolute(string stage)
    {
        Fails(c => c.Hooks = HooksAt(stage, new Hook { Path = "/bin/true" }, new Hook { Path = "hook.sh" }),
            $"hooks.{stage}[1].path: must be an absolute path, got \"hook.sh\"");
        Fails(c => c.Hooks = HooksAt(stage, new Hook { Path = "" }), $"hooks.{stage}[0].path: must not be empty");
    }

    [Fact]
    public void HookTimeoutMustBePositive()
    {
        Fails(c => c.Hooks = HooksAt("createRuntime", new Hook { Path = "/bin/true", Timeout = 0 }),
            "hooks.createRuntime[0].timeout: must be greater than 0, got 0");
        Fails(c => c.Hooks = HooksAt("poststop", new Hook { Path = "/bin/true", Timeout = -5 }),
            "hooks.poststop[0].timeout: must be greater than 0, got -5");
        Passes(c => c.Hooks = HooksAt("poststop", new Hook { Path = "/bin/true", Timeout = 1 }, new Hook { Path = "/bin/true" }));
    }

    [Fact]
    public void HookEnvIsKeyEqualsValue() =>
        Fails(c => c.Hooks = HooksAt("poststart", new Hook { Path = "/bin/true", Env = ["A=1", "B"] }),
            "hooks.poststart[0].env[1]: \"B\" is not of the form KEY=value");

    private static Hooks HooksAt(string stage, params Hook[] hooks)
    {
        var result = new Hooks();
        List<Hook> list = [.. hooks];
        switch (stage)
        {
            case "prestart": result.Prestart = list; break;
            case "createRuntime": result.CreateRuntime = list; break;
            case "createContainer": result.CreateContainer = list; break;
            case "startContainer": result.StartContainer = list; break;
            case "poststart": result.Poststart = list; break;
            case "poststop": result.Poststop = list; break;
            default: throw new ArgumentException(stage);
        }
        return result;
    }

    // ---- linux.namespaces ----

    [Fact]
    public void NamespaceTypesAreKnown()
    {
        Fails(c => c.Linux!.Namespaces!.Add(new Namespace { Type = "net" }),
            "linux.namespaces[6].type: unknown namespace type \"net\" (expected one of pid, network, mount, ipc, uts, user, cgroup, time)");
        Fails(c => c.Linux!.Namespaces!.Add(new Namespace { Type = "" }), "linux.namespaces[6].type: must not be empty");
    }

    [Fact]
    public void EveryNamespaceTypePasses() => Passes(c =>
    {
        c.Linux!.Namespaces = KnownNames.NamespaceTypes.Select(t => new Namespace { Type = t }).ToList();
        c.Linux.UidMappings = [new IdMapping { ContainerID = 0, HostID = 1000, Size = 1 }];
        c.Linux.GidMappings = [new IdMapping { ContainerID = 0, HostID = 1000, Size = 1 }];
    });

    [Fact]
    public void NamespaceTypesAreUnique() =>
        Fails(c => c.Linux!.Namespaces!.Add(new Namespace { Type = "pid", Path = "/proc/1/ns/pid" }),
            "linux.namespaces[6].type: duplicate namespace type \"pid\" (first at linux.namespaces[0])");

    [Fact]
    public void NamespacePathMustBeAbsolute()
    {
        Fails(c => c.Linux!.Namespaces![0].Path = "proc/1/ns/pid", "linux.namespaces[0].path: must be an absolute path, got \"proc/1/ns/pid\"");
        Passes(c => c.Linux!.Namespaces![0].Path = "/proc/1/ns/pid");
        Passes(c => c.Linux!.Namespaces![0].Path = ""); // "" is unset: a new namespace
    }

    // ---- user namespace mappings ----

    [Fact]
    public void IdMappingsNeedAUserNamespace()
    {
        Fails(c => c.Linux!.UidMappings = [new IdMapping { ContainerID = 0, HostID = 1000, Size = 1 }],
            "linux.uidMappings: needs a user namespace in linux.namespaces");
        Fails(c => c.Linux!.GidMappings = [new IdMapping { ContainerID = 0, HostID = 1000, Size = 1 }],
            "linux.gidMappings: needs a user namespace in linux.namespaces");
        Passes(c => c.Linux!.UidMappings = []);
    }

    [Fact]
    public void IdMappingsCoverAtLeastOneId()
    {
        var config = ValidRootless();
        config.Linux!.UidMappings![0].Size = 0;
        Fails(config, "linux.uidMappings[0].size: must be greater than 0");
    }

    // ---- time namespace ----

    [Fact]
    public void TimeOffsetsNeedANewTimeNamespace()
    {
        Fails(c => c.Linux!.TimeOffsets = new() { ["monotonic"] = new TimeOffset { Secs = 10 } },
            "linux.timeOffsets: needs a new time namespace in linux.namespaces");
        Fails(c =>
        {
            c.Linux!.Namespaces!.Add(new Namespace { Type = "time", Path = "/proc/1/ns/time" });
            c.Linux.TimeOffsets = new() { ["monotonic"] = new TimeOffset { Secs = 10 } };
        }, "linux.timeOffsets: needs a new time namespace in linux.namespaces");
        Passes(c =>
        {
            c.Linux!.Namespaces!.Add(new Namespace { Type = "time" });
            c.Linux.TimeOffsets = new() { ["monotonic"] = new TimeOffset { Secs = -10 }, ["boottime"] = new TimeOffset { Nanosecs = 999_999_999 } };
        });
    }

    [Fact]
    public void TimeOffsetClocksAreMonotonicOrBoottime() => Fails(c =>
    {
        c.Linux!.Namespaces!.Add(new Namespace { Type = "time" });
        c.Linux.TimeOffsets = new() { ["realtime"] = new TimeOffset { Secs = 1 } };
    }, "linux.timeOffsets.realtime: unknown clock (expected monotonic or boottime)");

    [Fact]
    public void TimeOffsetNanosecondsStayBelowOneSecond() => Fails(c =>
    {
        c.Linux!.Namespaces!.Add(new Namespace { Type = "time" });
        c.Linux.TimeOffsets = new() { ["boottime"] = new TimeOffset { Nanosecs = 1_000_000_000 } };
    }, "linux.timeOffsets.boottime.nanosecs: must be less than 1000000000, got 1000000000");

    // ---- devices ----

    [Fact]
    public void DeviceTypeIsCharBlockUnbufferedOrFifo() =>
        Fails(c => c.Linux!.Devices = [new Device { Type = "x", Path = "/dev/x", Major = 1, Minor = 1 }],
            "linux.devices[0].type: must be one of c, b, u, p, got \"x\"");

    [Fact]
    public void DevicePathIsAbsolute()
    {
        Fails(c => c.Linux!.Devices = [new Device { Type = "c", Path = "dev/fuse", Major = 10, Minor = 229 }],
            "linux.devices[0].path: must be an absolute path, got \"dev/fuse\"");
        Fails(c => c.Linux!.Devices = [new Device { Type = "c", Path = "", Major = 10, Minor = 229 }],
            "linux.devices[0].path: must not be empty");
    }

    [Theory]
    [InlineData("c")]
    [InlineData("b")]
    [InlineData("u")]
    public void DeviceNeedsMajorAndMinorUnlessFifo(string type)
    {
        Fails(c => c.Linux!.Devices = [new Device { Type = type, Path = "/dev/x", Minor = 1 }],
            $"linux.devices[0].major: is required for a type \"{type}\" device");
        Fails(c => c.Linux!.Devices = [new Device { Type = type, Path = "/dev/x", Major = 1 }],
            $"linux.devices[0].minor: is required for a type \"{type}\" device");
    }

    [Fact]
    public void FifoNeedsNoNumbers() => Passes(c => c.Linux!.Devices = [new Device { Type = "p", Path = "/dev/fifo" }]);

    // ---- rootfsPropagation, paths, personality ----

    [Fact]
    public void RootfsPropagationIsKnown() =>
        Fails(c => c.Linux!.RootfsPropagation = "rprivat",
            "linux.rootfsPropagation: must be one of shared, slave, private, unbindable (optionally with an r prefix), got \"rprivat\"");

    [Theory]
    [InlineData("shared")]
    [InlineData("slave")]
    [InlineData("private")]
    [InlineData("unbindable")]
    [InlineData("rshared")]
    [InlineData("rslave")]
    [InlineData("rprivate")]
    [InlineData("runbindable")]
    [InlineData("")]
    public void RootfsPropagationValuesPass(string value) => Passes(c => c.Linux!.RootfsPropagation = value);

    [Fact]
    public void MaskedAndReadonlyPathsAreAbsolute()
    {
        Fails(c => c.Linux!.MaskedPaths!.Add("proc/kcore"), "linux.maskedPaths[10]: must be an absolute path, got \"proc/kcore\"");
        Fails(c => c.Linux!.ReadonlyPaths![1] = "", "linux.readonlyPaths[1]: must not be empty");
    }

    [Fact]
    public void PersonalityDomainIsLinuxOrLinux32()
    {
        Fails(c => c.Linux!.Personality = new Personality { Domain = "LINUX64" }, "linux.personality.domain: must be LINUX or LINUX32, got \"LINUX64\"");
        Passes(c => c.Linux!.Personality = new Personality { Domain = "LINUX32" });
    }

    // ---- resources ----

    [Fact]
    public void DeviceCgroupRules()
    {
        Fails(c => c.Linux!.Resources!.Devices!.Add(new DeviceCgroupRule { Allow = true, Type = "x" }),
            "linux.resources.devices[1].type: must be one of a, c, b, got \"x\"");
        Fails(c => c.Linux!.Resources!.Devices!.Add(new DeviceCgroupRule { Allow = true, Type = "c", Access = "rwx" }),
            "linux.resources.devices[1].access: must be made of r, w and m, got \"rwx\"");
        Passes(c => c.Linux!.Resources!.Devices!.Add(new DeviceCgroupRule { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "rw" }));
    }

    [Fact]
    public void HugepageSizes()
    {
        Fails(c => c.Linux!.Resources!.HugepageLimits = [new HugepageLimit { PageSize = "2M", Limit = 1 }],
            "linux.resources.hugepageLimits[0].pageSize: must be a size such as 2MB or 1GB, got \"2M\"");
        Passes(c => c.Linux!.Resources!.HugepageLimits = [new HugepageLimit { PageSize = "2MB", Limit = 1 }, new HugepageLimit { PageSize = "1GB", Limit = 0 }]);
    }

    [Fact]
    public void RdmaEntriesSetALimit()
    {
        Fails(c => c.Linux!.Resources!.Rdma = new() { ["mlx5_1"] = new Rdma() }, "linux.resources.rdma.mlx5_1: needs hcaHandles or hcaObjects");
        Passes(c => c.Linux!.Resources!.Rdma = new() { ["mlx5_1"] = new Rdma { HcaObjects = 10 } });
    }

    // ---- seccomp ----

    private static Seccomp Seccomp(params SeccompSyscall[] syscalls) =>
        new() { DefaultAction = "SCMP_ACT_ERRNO", Architectures = ["SCMP_ARCH_X86_64"], Syscalls = [.. syscalls] };

    private static SeccompSyscall Allow(params string[] names) => new() { Names = [.. names], Action = "SCMP_ACT_ALLOW" };

    [Fact]
    public void SeccompDefaultActionIsKnown()
    {
        Fails(c => c.Linux!.Seccomp = new Seccomp { DefaultAction = "SCMP_ACT_BOGUS" },
            $"linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BOGUS\" {OneOf(KnownNames.SeccompActions)}");
        Fails(c => c.Linux!.Seccomp = new Seccomp { DefaultAction = "" }, "linux.seccomp.defaultAction: must not be empty");
    }

    [Fact]
    public void EverySeccompActionPasses()
    {
        foreach (var action in KnownNames.SeccompActions)
            Passes(c => c.Linux!.Seccomp = new Seccomp { DefaultAction = action, Syscalls = [new SeccompSyscall { Names = ["read"], Action = action }] });
    }

    [Fact]
    public void SeccompErrnoOnlyWithErrnoOrTrace()
    {
        Fails(c => c.Linux!.Seccomp = new Seccomp { DefaultAction = "SCMP_ACT_ALLOW", DefaultErrnoRet = 1 },
            "linux.seccomp.defaultErrnoRet: is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW");
        Fails(c => c.Linux!.Seccomp = Seccomp(new SeccompSyscall { Names = ["mount"], Action = "SCMP_ACT_KILL", ErrnoRet = 1 }),
            "linux.seccomp.syscalls[0].errnoRet: is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_KILL");
        Passes(c => c.Linux!.Seccomp = Seccomp(new SeccompSyscall { Names = ["mount"], Action = "SCMP_ACT_TRACE", ErrnoRet = 38 }));
    }

    [Fact]
    public void SeccompArchitecturesAndFlagsAreKnown()
    {
        Fails(c => c.Linux!.Seccomp = new Seccomp { DefaultAction = "SCMP_ACT_ALLOW", Architectures = ["SCMP_ARCH_X86", "SCMP_ARCH_Z80"] },
            $"linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\" {OneOf(KnownNames.SeccompArchitectures)}");
        Fails(c => c.Linux!.Seccomp = new Seccomp { DefaultAction = "SCMP_ACT_ALLOW", Flags = ["SECCOMP_FILTER_FLAG_FAST"] },
            $"linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FAST\" {OneOf(KnownNames.SeccompFlags)}");
    }

    [Fact]
    public void SeccompListenerMetadataNeedsAListenerPath() =>
        Fails(c => c.Linux!.Seccomp = new Seccomp { DefaultAction = "SCMP_ACT_ALLOW", ListenerMetadata = "x" },
            "linux.seccomp.listenerMetadata: needs linux.seccomp.listenerPath");

    [Fact]
    public void SeccompSyscallNames()
    {
        Fails(c => c.Linux!.Seccomp = Seccomp(Allow()), "linux.seccomp.syscalls[0].names: must not be empty");
        Fails(c => c.Linux!.Seccomp = Seccomp(Allow("read"), Allow("write", "")), "linux.seccomp.syscalls[1].names[1]: must not be empty");
    }

    [Fact]
    public void SeccompSyscallActionIsKnown() =>
        Fails(c => c.Linux!.Seccomp = Seccomp(new SeccompSyscall { Names = ["read"], Action = "ALLOW" }),
            $"linux.seccomp.syscalls[0].action: unknown action \"ALLOW\" {OneOf(KnownNames.SeccompActions)}");

    [Fact]
    public void SeccompArgs()
    {
        var syscall = Allow("personality");
        syscall.Args = [new SeccompArg { Index = 6, Value = 8, Op = "SCMP_CMP_EQ" }];
        Fails(c => c.Linux!.Seccomp = Seccomp(syscall), "linux.seccomp.syscalls[0].args[0].index: must be between 0 and 5, got 6");
        syscall.Args = [new SeccompArg { Index = 0, Value = 8, Op = "==" }];
        Fails(c => c.Linux!.Seccomp = Seccomp(syscall),
            $"linux.seccomp.syscalls[0].args[0].op: unknown operator \"==\" {OneOf(KnownNames.SeccompOperators)}");
        syscall.Args = [new SeccompArg { Index = 5, Value = 8, ValueTwo = 8, Op = "SCMP_CMP_MASKED_EQ" }];
        Passes(c => c.Linux!.Seccomp = Seccomp(syscall));
    }

    // ---- the name lists themselves ----

    [Fact]
    public void CapabilityIndexIsTheKernelNumber()
    {
        Assert.Equal(41, KnownNames.Capabilities.Count);
        Assert.Equal(0, KnownNames.Capabilities.IndexOf("CAP_CHOWN"));
        Assert.Equal(21, KnownNames.Capabilities.IndexOf("CAP_SYS_ADMIN"));
        Assert.Equal(37, KnownNames.Capabilities.IndexOf("CAP_AUDIT_READ"));
        Assert.Equal(40, KnownNames.Capabilities.IndexOf("CAP_CHECKPOINT_RESTORE"));
        Assert.Equal(KnownNames.Capabilities.Count, KnownNames.Capabilities.Distinct().Count());
    }

    [Fact]
    public void RlimitIndexIsTheResourceNumber()
    {
        Assert.Equal(16, KnownNames.Rlimits.Count);
        Assert.Equal(7, KnownNames.Rlimits.IndexOf("RLIMIT_NOFILE"));
        Assert.Equal(6, KnownNames.Rlimits.IndexOf("RLIMIT_NPROC"));
        Assert.Equal(15, KnownNames.Rlimits.IndexOf("RLIMIT_RTTIME"));
    }
}

file static class ListExtensions
{
    public static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i] == value) return i;
        return -1;
    }
}
