using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Security;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.SecurityTests;

/// <summary>config.md "Scheduler", "IO Priority", "oomScoreAdj"; config-linux.md "Personality": the values handed to the kernel.</summary>
public class ProcessSettingsTests
{
    [Fact]
    public unsafe void Sched_attr_has_the_kernel_layout()
    {
        Libc.SchedAttr a = default;
        byte* b = (byte*)&a;
        Assert.Equal(56, sizeof(Libc.SchedAttr));
        Assert.Equal(8, (byte*)&a.Flags - b);
        Assert.Equal(16, (byte*)&a.Nice - b);
        Assert.Equal(24, (byte*)&a.Runtime - b);
        Assert.Equal(48, (byte*)&a.UtilMin - b);
    }

    [Fact]
    public unsafe void Capability_structs_have_the_kernel_layout()
    {
        Assert.Equal(8, sizeof(Libc.CapUserHeader));
        Assert.Equal(12, sizeof(Libc.CapUserData));
        Assert.Equal(16, sizeof(Libc.RLimit));
    }

    [Fact]
    public void Batch_with_nice()
    {
        var a = SchedulerSettings.Build(new Scheduler { Policy = "SCHED_BATCH", Nice = 5 });
        Assert.Equal(Libc.SCHED_ATTR_SIZE_VER0, a.Size);
        Assert.Equal(3u, a.Policy);
        Assert.Equal(5, a.Nice);
        Assert.Equal(0u, a.Priority);
        Assert.Equal(0UL, a.Flags);
    }

    [Theory]
    [InlineData("SCHED_OTHER", 0u)]
    [InlineData("SCHED_FIFO", 1u)]
    [InlineData("SCHED_RR", 2u)]
    [InlineData("SCHED_BATCH", 3u)]
    [InlineData("SCHED_IDLE", 5u)]
    public void Policies_have_the_kernels_numbers(string policy, uint number)
    {
        int? priority = policy is "SCHED_FIFO" or "SCHED_RR" ? 10 : null;
        Assert.Equal(number, SchedulerSettings.Build(new Scheduler { Policy = policy, Priority = priority }).Policy);
    }

    [Fact]
    public void Fifo_takes_a_priority_and_flags()
    {
        var a = SchedulerSettings.Build(new Scheduler { Policy = "SCHED_FIFO", Priority = 50, Flags = ["SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_KEEP_PARAMS"] });
        Assert.Equal(50u, a.Priority);
        Assert.Equal(0x11UL, a.Flags);
    }

    [Fact]
    public void Deadline_takes_runtime_deadline_period()
    {
        var a = SchedulerSettings.Build(new Scheduler { Policy = "SCHED_DEADLINE", Runtime = 10_000_000, Deadline = 30_000_000, Period = 100_000_000, Flags = ["SCHED_FLAG_RECLAIM"] });
        Assert.Equal(6u, a.Policy);
        Assert.Equal((10_000_000UL, 30_000_000UL, 100_000_000UL), (a.Runtime, a.Deadline, a.Period));
        Assert.Equal(0x02UL, a.Flags);
    }

    [Fact]
    public void Util_clamp_flags_use_the_larger_struct()
    {
        var a = SchedulerSettings.Build(new Scheduler { Policy = "SCHED_OTHER", Flags = ["SCHED_FLAG_UTIL_CLAMP_MIN"] });
        Assert.Equal(Libc.SCHED_ATTR_SIZE_VER1, a.Size);
        Assert.Equal(0x20UL, a.Flags);
    }

    [Theory]
    [InlineData("SCHED_BATCH", 21, null, null, "process.scheduler.nice: must be between -20 and 19, got 21")]
    [InlineData("SCHED_OTHER", null, 5, null, "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority, not SCHED_OTHER")]
    [InlineData("SCHED_RR", null, null, null, "process.scheduler.priority: SCHED_RR needs a priority between 1 and 99, got 0")]
    [InlineData("SCHED_FIFO", null, 100, null, "process.scheduler.priority: SCHED_FIFO needs a priority between 1 and 99, got 100")]
    [InlineData("SCHED_IDLE", null, null, 1000UL, "process.scheduler: runtime, deadline and period are for SCHED_DEADLINE only, not SCHED_IDLE")]
    [InlineData("SCHED_FOO", null, null, null, "process.scheduler.policy: unknown policy \"SCHED_FOO\"")]
    public void Bad_combinations_name_the_field(string policy, int? nice, int? priority, ulong? runtime, string message) =>
        Assert.Equal(message, Assert.Throws<MyDockerException>(() =>
            SchedulerSettings.Build(new Scheduler { Policy = policy, Nice = nice, Priority = priority, Runtime = runtime })).Message);

    [Fact]
    public void Deadline_parameters_must_be_ordered() =>
        Assert.Equal("process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline <= period, got 50/30/100",
            Assert.Throws<MyDockerException>(() => SchedulerSettings.Build(new Scheduler { Policy = "SCHED_DEADLINE", Runtime = 50, Deadline = 30, Period = 100 })).Message);

    [Fact]
    public void Unknown_scheduler_flag() =>
        Assert.Equal("process.scheduler.flags[1]: unknown flag \"SCHED_FLAG_FOO\"",
            Assert.Throws<MyDockerException>(() => SchedulerSettings.Build(new Scheduler { Policy = "SCHED_OTHER", Flags = ["SCHED_FLAG_RECLAIM", "SCHED_FLAG_FOO"] })).Message);

    [Theory]
    [InlineData("IOPRIO_CLASS_RT", 0, (1 << 13) | 0)]
    [InlineData("IOPRIO_CLASS_BE", 6, (2 << 13) | 6)]
    [InlineData("IOPRIO_CLASS_IDLE", 7, (3 << 13) | 7)]
    public void Io_priority_value_is_class_and_level(string cls, int level, int value) =>
        Assert.Equal(value, IoPrioritySettings.Value(new IoPriority { Class = cls, Priority = level }));

    [Fact]
    public void Io_priority_errors_name_the_field()
    {
        Assert.Equal("process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\"",
            Assert.Throws<MyDockerException>(() => IoPrioritySettings.Value(new IoPriority { Class = "IOPRIO_CLASS_NONE" })).Message);
        Assert.Equal("process.ioPriority.priority: must be between 0 and 7, got 8",
            Assert.Throws<MyDockerException>(() => IoPrioritySettings.Value(new IoPriority { Class = "IOPRIO_CLASS_BE", Priority = 8 })).Message);
    }

    [Fact]
    public void Personality_domains_and_flags()
    {
        Assert.Equal(0x0000u, PersonalitySettings.Value(new Personality { Domain = "LINUX" }));
        Assert.Equal(0x0008u, PersonalitySettings.Value(new Personality { Domain = "LINUX32" }));
        Assert.Equal(0x0040008u, PersonalitySettings.Value(new Personality { Domain = "LINUX32", Flags = ["ADDR_NO_RANDOMIZE"] }));
    }

    [Fact]
    public void Personality_errors_name_the_field()
    {
        Assert.Equal("linux.personality.domain: must be LINUX or LINUX32, got \"LINUX64\"",
            Assert.Throws<MyDockerException>(() => PersonalitySettings.Value(new Personality { Domain = "LINUX64" })).Message);
        Assert.Equal("linux.personality.flags[0]: unknown personality flag \"FAST\"",
            Assert.Throws<MyDockerException>(() => PersonalitySettings.Value(new Personality { Domain = "LINUX", Flags = ["FAST"] })).Message);
    }

    [Fact]
    public void Oom_score_adj_is_written_as_a_decimal()
    {
        string file = Path.GetTempFileName();
        try
        {
            ProcessSecurity.WriteOomScoreAdj(-999, file);
            Assert.Equal("-999", File.ReadAllText(file));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Oom_score_adj_failure_names_the_field() =>
        Assert.Equal("process.oomScoreAdj: opening /nonexistent/oom_score_adj: No such file or directory",
            Assert.Throws<MyDockerException>(() => ProcessSecurity.WriteOomScoreAdj(5, "/nonexistent/oom_score_adj")).Message);
}
