using System.Text;

namespace MyDocker.Runtime.Cgroups.V2.Devices;

/// <summary>One eBPF instruction (struct bpf_insn, include/uapi/linux/bpf.h): 8 bytes.</summary>
public readonly record struct BpfInsn(byte Code, byte Dst, byte Src, short Off, int Imm)
{
    public void WriteTo(Span<byte> dest)
    {
        dest[0] = Code;
        dest[1] = (byte)((Src << 4) | (Dst & 0xf));
        BitConverter.TryWriteBytes(dest[2..4], Off);
        BitConverter.TryWriteBytes(dest[4..8], Imm);
    }

    public override string ToString() => Code switch
    {
        DeviceFilter.LdxMemW => $"r{Dst} = *(u32 *)(r{Src} + {Off})",
        DeviceFilter.And32Imm => $"w{Dst} &= 0x{Imm:x}",
        DeviceFilter.Rsh32Imm => $"w{Dst} >>= {Imm}",
        DeviceFilter.Mov32Reg => $"w{Dst} = w{Src}",
        DeviceFilter.Mov32Imm => $"w{Dst} = {Imm}",
        DeviceFilter.JneImm => $"if r{Dst} != {Imm} goto +{Off}",
        DeviceFilter.JeqImm => $"if r{Dst} == {Imm} goto +{Off}",
        DeviceFilter.Exit => "exit",
        _ => $"code 0x{Code:x2}",
    };
}

/// <summary>
/// The cgroup v2 device controller is an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE
/// (cgroup-v2.rst "Device controller"): the kernel calls it with struct bpf_cgroup_dev_ctx
/// { u32 access_type = (access &lt;&lt; 16) | type; u32 major; u32 minor; } and it returns 1 (allow)
/// or 0 (deny). This builds that program from the rule list, the way runc and crun do:
///
///   r2 = type, r3 = access, r4 = major, r5 = minor
///   for each rule, LAST first (in the spec's list a later rule overrides an earlier one):
///     if the request matches it, return its allow/deny
///   return 0 (deny: the list starts from "deny everything")
/// A rule that matches everything (type "a", all access) ends the program there.
///
/// A request matches a rule when the type and numbers match (a rule's "a" type / -1 numbers match
/// anything) and, for an allow rule, the rule grants every access asked for; for a deny rule, it
/// denies any of them. (v1's rule emulation merges access across rules; here one rule has to grant
/// all of a request, which is what every spec list in practice gives.)
/// </summary>
public static class DeviceFilter
{
    // Opcodes: class | op | source (include/uapi/linux/bpf_common.h, bpf.h).
    public const byte LdxMemW = 0x61;   // BPF_LDX | BPF_MEM | BPF_W
    public const byte And32Imm = 0x54;  // BPF_ALU | BPF_AND | BPF_K
    public const byte Rsh32Imm = 0x74;  // BPF_ALU | BPF_RSH | BPF_K
    public const byte Mov32Reg = 0xbc;  // BPF_ALU | BPF_MOV | BPF_X
    public const byte Mov32Imm = 0xb4;  // BPF_ALU | BPF_MOV | BPF_K
    public const byte JneImm = 0x55;    // BPF_JMP | BPF_JNE | BPF_K
    public const byte JeqImm = 0x15;    // BPF_JMP | BPF_JEQ | BPF_K
    public const byte Exit = 0x95;      // BPF_JMP | BPF_EXIT

    private const int AccessAll = Interop.Libc.BPF_DEVCG_ACC_MKNOD | Interop.Libc.BPF_DEVCG_ACC_READ | Interop.Libc.BPF_DEVCG_ACC_WRITE;

    public static List<BpfInsn> Build(IReadOnlyList<DeviceRule> rules)
    {
        var p = new List<BpfInsn>
        {
            new(LdxMemW, 2, 1, 0, 0), new(And32Imm, 2, 0, 0, 0xFFFF),   // r2 = access_type & 0xffff (type)
            new(LdxMemW, 3, 1, 0, 0), new(Rsh32Imm, 3, 0, 0, 16),       // r3 = access_type >> 16 (access)
            new(LdxMemW, 4, 1, 4, 0),                                    // r4 = major
            new(LdxMemW, 5, 1, 8, 0),                                    // r5 = minor
        };
        for (int i = rules.Count - 1; i >= 0; i--)
        {
            // A rule that matches every request ends the program: the verifier refuses unreachable
            // instructions, so neither the earlier rules nor the default may follow it.
            if (AppendRule(p, rules[i])) return p;
        }
        p.Add(new BpfInsn(Mov32Imm, 0, 0, 0, 0));
        p.Add(new BpfInsn(Exit, 0, 0, 0, 0));
        return p;
    }

    /// <summary>Appends the rule's block; true when the block has no condition (it matches everything).</summary>
    private static bool AppendRule(List<BpfInsn> p, DeviceRule rule)
    {
        // The jumps skip to the first instruction after this block; offsets are fixed up at the end.
        var block = new List<BpfInsn>();
        var jumps = new List<int>();
        void JumpUnless(byte code, byte reg, int imm) { jumps.Add(block.Count); block.Add(new BpfInsn(code, reg, 0, 0, imm)); }

        if (rule.Type != 'a')
            JumpUnless(JneImm, 2, rule.Type == 'b' ? Interop.Libc.BPF_DEVCG_DEV_BLOCK : Interop.Libc.BPF_DEVCG_DEV_CHAR);
        int access = Access(rule.Access);
        if (access != AccessAll)
        {
            block.Add(new BpfInsn(Mov32Reg, 1, 3, 0, 0));
            if (rule.Allow)
            {
                // allow only if nothing outside the rule's access is asked for: (access & ~rule) == 0
                block.Add(new BpfInsn(And32Imm, 1, 0, 0, ~access & AccessAll));
                JumpUnless(JneImm, 1, 0);
            }
            else
            {
                // deny if any of the rule's access is asked for: (access & rule) != 0
                block.Add(new BpfInsn(And32Imm, 1, 0, 0, access));
                JumpUnless(JeqImm, 1, 0);
            }
        }
        if (rule.Major >= 0) JumpUnless(JneImm, 4, (int)(uint)rule.Major);
        if (rule.Minor >= 0) JumpUnless(JneImm, 5, (int)(uint)rule.Minor);
        block.Add(new BpfInsn(Mov32Imm, 0, 0, 0, rule.Allow ? 1 : 0));
        block.Add(new BpfInsn(Exit, 0, 0, 0, 0));
        foreach (int j in jumps) block[j] = block[j] with { Off = (short)(block.Count - j - 1) };
        p.AddRange(block);
        return jumps.Count == 0;
    }

    public static int Access(string access)
    {
        int a = 0;
        foreach (char c in access)
            a |= c switch
            {
                'r' => Interop.Libc.BPF_DEVCG_ACC_READ,
                'w' => Interop.Libc.BPF_DEVCG_ACC_WRITE,
                'm' => Interop.Libc.BPF_DEVCG_ACC_MKNOD,
                _ => 0,
            };
        return a;
    }

    public static byte[] ToBytes(IReadOnlyList<BpfInsn> program)
    {
        var bytes = new byte[program.Count * 8];
        for (int i = 0; i < program.Count; i++) program[i].WriteTo(bytes.AsSpan(i * 8, 8));
        return bytes;
    }

    /// <summary>One instruction a line, for tests and debugging.</summary>
    public static string Disassemble(IReadOnlyList<BpfInsn> program)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < program.Count; i++) sb.Append(i).Append(": ").Append(program[i]).Append('\n');
        return sb.ToString();
    }
}
