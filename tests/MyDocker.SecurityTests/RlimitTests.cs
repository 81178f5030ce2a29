using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Security;
using MyDocker.Spec;
using MyDocker.Spec.Model;
using MyDocker.Spec.Validation;

namespace MyDocker.SecurityTests;

/// <summary>config.md "POSIX process" rlimits: names to resource numbers.</summary>
public class RlimitTests
{
    /// <summary>/proc/PID/limits prints one row per resource, in resource-number order (fs/proc/base.c lnames[]).</summary>
    private static readonly string[] ProcLimitsRows =
    [
        "Max cpu time", "Max file size", "Max data size", "Max stack size", "Max core file size", "Max resident set",
        "Max processes", "Max open files", "Max locked memory", "Max address space", "Max file locks",
        "Max pending signals", "Max msgqueue size", "Max nice priority", "Max realtime priority", "Max realtime timeout",
    ];

    [Theory]
    [InlineData("RLIMIT_CPU", 0)]
    [InlineData("RLIMIT_CORE", 4)]
    [InlineData("RLIMIT_NPROC", 6)]
    [InlineData("RLIMIT_NOFILE", 7)]
    [InlineData("RLIMIT_MEMLOCK", 8)]
    [InlineData("RLIMIT_AS", 9)]
    [InlineData("RLIMIT_RTTIME", 15)]
    public void Names_map_to_resource_numbers(string name, int resource) => Assert.Equal(resource, Rlimits.Resource(name));

    [Fact]
    public void The_table_matches_the_kernels_order()
    {
        var rows = File.ReadAllLines("/proc/self/limits").Skip(1).ToArray();
        Assert.Equal(ProcLimitsRows.Length, KnownNames.Rlimits.Count);
        for (int i = 0; i < ProcLimitsRows.Length; i++)
        {
            Assert.StartsWith(ProcLimitsRows[i], rows[i]);
            Assert.Equal(i, Rlimits.Resource(KnownNames.Rlimits[i]));
        }
    }

    [Fact]
    public void Unknown_names_have_no_number_and_fail_with_the_field() =>
        Assert.Equal("process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"",
            Assert.Throws<MyDockerException>(() => Rlimits.Prepare([new Rlimit { Type = "RLIMIT_FOO", Soft = 1, Hard = 1 }])).Message);

    [Fact]
    public void Infinity_is_written_unlimited()
    {
        Assert.Equal("unlimited", Rlimits.Format(Libc.RLIM_INFINITY));
        Assert.Equal("1048576", Rlimits.Format(1048576));
    }
}
