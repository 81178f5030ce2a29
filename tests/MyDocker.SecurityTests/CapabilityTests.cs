using MyDocker.Runtime.Security;
using MyDocker.Spec;
using MyDocker.Spec.Model;
using MyDocker.Spec.Validation;

namespace MyDocker.SecurityTests;

/// <summary>config.md "capabilities": names to kernel numbers, and the sets the plan asks for.</summary>
public class CapabilityTests
{
    private const int Linux6LastCap = 40; // CAP_CHECKPOINT_RESTORE

    [Theory]
    [InlineData("CAP_CHOWN", 0)]
    [InlineData("CAP_KILL", 5)]
    [InlineData("CAP_SETPCAP", 8)]
    [InlineData("CAP_NET_BIND_SERVICE", 10)]
    [InlineData("CAP_SYS_ADMIN", 21)]
    [InlineData("CAP_SYS_RESOURCE", 24)]
    [InlineData("CAP_AUDIT_WRITE", 29)]
    [InlineData("CAP_SYSLOG", 34)]
    [InlineData("CAP_AUDIT_READ", 37)]
    [InlineData("CAP_PERFMON", 38)]
    [InlineData("CAP_BPF", 39)]
    [InlineData("CAP_CHECKPOINT_RESTORE", 40)]
    public void Names_map_to_the_kernels_numbers(string name, int number)
    {
        Assert.Equal(number, CapabilityNames.Number(name));
        Assert.Equal(name, CapabilityNames.Name(number));
    }

    [Fact]
    public void Unknown_names_have_no_number()
    {
        Assert.Equal(-1, CapabilityNames.Number("CAP_FOO"));
        Assert.Equal(-1, CapabilityNames.Number("cap_kill"));
        Assert.Equal("capability 50", CapabilityNames.Name(50));
    }

    [Fact]
    public void Every_known_name_round_trips() =>
        Assert.All(KnownNames.Capabilities, n => Assert.Equal(n, CapabilityNames.Name(CapabilityNames.Number(n))));

    [Fact]
    public void Last_cap_is_the_kernels()
    {
        int expected = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim());
        Assert.Equal(expected, CapabilityNames.LastCap());
    }

    [Fact]
    public void The_default_set_is_kill_net_bind_service_audit_write()
    {
        var plan = CapabilityPlan.From(Default(), Linux6LastCap);
        Assert.Equal(0x20000420UL, plan.Bounding);
        Assert.Equal(0x20000420UL, plan.Effective);
        Assert.Equal(0x20000420UL, plan.Permitted);
        Assert.Equal(0UL, plan.Inheritable);
        Assert.Equal(0UL, plan.Ambient);
        Assert.Empty(plan.Warnings);
        Assert.Equal(["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"], CapabilityNames.Names(plan.Bounding));
    }

    [Fact]
    public void Bounding_drops_are_every_kernel_capability_not_named()
    {
        var plan = CapabilityPlan.From(Default(), Linux6LastCap);
        var expected = Enumerable.Range(0, 41).Where(n => n is not (5 or 10 or 29)).ToArray();
        Assert.Equal(expected, plan.BoundingDrops);
        Assert.Equal(0x1ffffffffffUL, plan.All);
    }

    [Fact]
    public void Bounding_drops_stop_at_the_kernels_last_cap()
    {
        var plan = CapabilityPlan.From(Default(), 37);
        Assert.Equal(37, plan.BoundingDrops[^1]);
        Assert.Equal(35, plan.BoundingDrops.Count);
    }

    [Fact]
    public void A_missing_bounding_list_drops_the_whole_bounding_set()
    {
        var plan = CapabilityPlan.From(new Capabilities(), Linux6LastCap);
        Assert.Equal(Enumerable.Range(0, 41), plan.BoundingDrops);
        Assert.Equal(0UL, plan.Effective | plan.Permitted | plan.Inheritable | plan.Ambient);
    }

    [Fact]
    public void A_full_bounding_list_drops_nothing()
    {
        var plan = CapabilityPlan.From(new Capabilities { Bounding = [.. KnownNames.Capabilities] }, Linux6LastCap);
        Assert.Empty(plan.BoundingDrops);
    }

    [Fact]
    public void Unknown_and_unsupported_names_are_warnings_not_errors()
    {
        var caps = new Capabilities { Bounding = ["CAP_KILL", "CAP_FOO", "CAP_CHECKPOINT_RESTORE"] };
        var plan = CapabilityPlan.From(caps, 39);
        Assert.Equal(1UL << 5, plan.Bounding);
        Assert.Equal(
        [
            "process.capabilities.bounding[1]: unknown capability \"CAP_FOO\": ignored",
            "process.capabilities.bounding[2]: CAP_CHECKPOINT_RESTORE is not supported by this kernel (cap_last_cap 39): ignored",
        ], plan.Warnings);
    }

    [Fact]
    public void Ambient_capabilities_are_raised_lowest_first()
    {
        var caps = new Capabilities
        {
            Permitted = ["CAP_NET_RAW", "CAP_NET_BIND_SERVICE"],
            Inheritable = ["CAP_NET_RAW", "CAP_NET_BIND_SERVICE"],
            Ambient = ["CAP_NET_RAW", "CAP_NET_BIND_SERVICE"],
        };
        Assert.Equal([10, 13], CapabilityPlan.From(caps, Linux6LastCap).AmbientRaises);
    }

    [Fact]
    public void Effective_outside_permitted_is_an_error_naming_the_entry()
    {
        var caps = new Capabilities { Effective = ["CAP_NET_BIND_SERVICE", "CAP_KILL"], Permitted = ["CAP_NET_BIND_SERVICE"] };
        var e = Assert.Throws<MyDockerException>(() => CapabilityPlan.From(caps, Linux6LastCap));
        Assert.Equal("process.capabilities.effective[1]: CAP_KILL is not in process.capabilities.permitted (only a permitted capability can be effective)", e.Message);
    }

    [Fact]
    public void Ambient_outside_inheritable_is_left_out_with_a_note_not_a_warning_like_runc_accepts_it()
    {
        // runc's default config has ambient capabilities and no inheritable set.
        var caps = new Capabilities { Permitted = ["CAP_NET_BIND_SERVICE", "CAP_KILL"], Inheritable = ["CAP_KILL"], Ambient = ["CAP_NET_BIND_SERVICE", "CAP_KILL"] };
        var plan = CapabilityPlan.From(caps, Linux6LastCap);
        Assert.Equal(1UL << 5, plan.Ambient); // CAP_KILL only
        Assert.Empty(plan.Warnings);
        Assert.Equal(["process.capabilities.ambient[0]: CAP_NET_BIND_SERVICE is not both permitted and inheritable: not raised"], plan.Notes);
        Assert.Equal(plan.Notes, CapabilityPlan.AmbientLeftOut(caps, Linux6LastCap));
    }

    private static Capabilities Default() => new()
    {
        Bounding = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        Effective = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        Permitted = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
    };
}
