using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.Cgroups.V2.Devices;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.CgroupTests;

/// <summary>The cgroup v2 device filter: the generated eBPF program, instruction by instruction, and its bytes.</summary>
public sealed class DeviceFilterTests
{
    [Fact]
    public void Program_checks_the_last_rule_first_and_denies_by_default()
    {
        var p = DeviceFilter.Build(
        [
            new DeviceRule(true, 'c', 1, -1, "r"),    // allow reading any c 1:*
            new DeviceRule(false, 'c', 1, 5, "w"),    // but never writing /dev/zero (checked first: it is later)
        ]);
        Assert.Equal(
            """
            0: r2 = *(u32 *)(r1 + 0)
            1: w2 &= 0xffff
            2: r3 = *(u32 *)(r1 + 0)
            3: w3 >>= 16
            4: r4 = *(u32 *)(r1 + 4)
            5: r5 = *(u32 *)(r1 + 8)
            6: if r2 != 2 goto +7
            7: w1 = w3
            8: w1 &= 0x4
            9: if r1 == 0 goto +4
            10: if r4 != 1 goto +3
            11: if r5 != 5 goto +2
            12: w0 = 0
            13: exit
            14: if r2 != 2 goto +6
            15: w1 = w3
            16: w1 &= 0x5
            17: if r1 != 0 goto +3
            18: if r4 != 1 goto +2
            19: w0 = 1
            20: exit
            21: w0 = 0
            22: exit

            """, DeviceFilter.Disassemble(p));
    }

    [Fact]
    public void A_rule_matching_everything_ends_the_program()
    {
        // The usual spec list starts with "deny all": checked last, it replaces the default; an
        // "allow all" at the end makes the rest unreachable, which the verifier would refuse.
        var denyAllFirst = DeviceFilter.Build([new DeviceRule(false, 'a', -1, -1, "rwm"), new DeviceRule(true, 'c', 1, 3, "rwm")]);
        Assert.EndsWith("11: w0 = 0\n12: exit\n", DeviceFilter.Disassemble(denyAllFirst));
        Assert.Equal(13, denyAllFirst.Count);
        var allowAllLast = DeviceFilter.Build([new DeviceRule(false, 'c', 1, 3, "rwm"), new DeviceRule(true, 'a', -1, -1, "rwm")]);
        Assert.Equal(8, allowAllLast.Count);
        Assert.EndsWith("6: w0 = 1\n7: exit\n", DeviceFilter.Disassemble(allowAllLast));
    }

    [Fact]
    public void Instructions_are_encoded_as_struct_bpf_insn()
    {
        var bytes = DeviceFilter.ToBytes([new BpfInsn(DeviceFilter.LdxMemW, 4, 1, 4, 0), new BpfInsn(DeviceFilter.JneImm, 5, 0, 2, 200)]);
        Assert.Equal(new byte[] { 0x61, 0x14, 4, 0, 0, 0, 0, 0, 0x55, 0x05, 2, 0, 200, 0, 0, 0 }, bytes);
    }

    [Fact]
    public void Spec_rules_are_validated_and_defaulted()
    {
        Assert.Equal(new DeviceRule(false, 'a', -1, -1, "rwm"), DeviceRules.From(new DeviceCgroupRule { Allow = false }, "f"));
        Assert.Equal(new DeviceRule(true, 'b', 8, -1, "rw"), DeviceRules.From(new DeviceCgroupRule { Allow = true, Type = "b", Major = 8, Access = "rw" }, "f"));
        Assert.Equal("f.type: \"x\" is not a, b or c", Assert.Throws<MyDockerException>(() => DeviceRules.From(new DeviceCgroupRule { Type = "x" }, "f")).Message);
        Assert.Equal("f.access: \"rr\" is not a combination of r, w and m", Assert.Throws<MyDockerException>(() => DeviceRules.From(new DeviceCgroupRule { Access = "rr" }, "f")).Message);
    }
}
