using MyDocker.Runtime.Seccomp;

namespace MyDocker.SeccompTests;

/// <summary>One classic-BPF instruction (struct sock_filter) of an exported seccomp program.</summary>
public readonly record struct Insn(ushort Code, byte Jt, byte Jf, uint K)
{
    // linux/bpf_common.h
    public const ushort Ret = 0x06;            // BPF_RET | BPF_K
    public const ushort JeqK = 0x15;           // BPF_JMP | BPF_JEQ | BPF_K
    public const ushort JgtK = 0x25;           // BPF_JMP | BPF_JGT | BPF_K
    public const ushort JgeK = 0x35;           // BPF_JMP | BPF_JGE | BPF_K
    public const ushort JsetK = 0x45;          // BPF_JMP | BPF_JSET | BPF_K
    public const ushort LdAbsW = 0x20;         // BPF_LD | BPF_W | BPF_ABS
    public const ushort AndK = 0x54;           // BPF_ALU | BPF_AND | BPF_K

    public override string ToString() => $"code=0x{Code:x2} jt={Jt} jf={Jf} k=0x{K:x8}";
}

/// <summary>Reads what a filter would load, without loading it: seccomp_export_bpf / _pfc into a temp file.</summary>
public static class Bpf
{
    public static List<Insn> Program(SeccompFilter filter)
    {
        byte[] raw = Export(filter.ExportBpf);
        Assert.True(raw.Length % 8 == 0, $"a BPF program is a whole number of 8-byte instructions, got {raw.Length} bytes");
        var program = new List<Insn>();
        for (int i = 0; i < raw.Length; i += 8)
            program.Add(new Insn(BitConverter.ToUInt16(raw, i), raw[i + 2], raw[i + 3], BitConverter.ToUInt32(raw, i + 4)));
        return program;
    }

    public static string Pfc(SeccompFilter filter) => System.Text.Encoding.UTF8.GetString(Export(filter.ExportPfc));

    /// <summary>Every return value (RET K) of the program.</summary>
    public static HashSet<uint> Returns(List<Insn> program) => program.Where(i => i.Code == Insn.Ret).Select(i => i.K).ToHashSet();

    /// <summary>Every constant the program compares the accumulator with for equality (syscall numbers, arch tokens, argument words).</summary>
    public static HashSet<uint> Compared(List<Insn> program) => program.Where(i => i.Code == Insn.JeqK).Select(i => i.K).ToHashSet();

    private static byte[] Export(Action<int> export)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mydocker-seccomp-{Guid.NewGuid():N}");
        try
        {
            using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                bool added = false;
                fs.SafeFileHandle.DangerousAddRef(ref added);
                try { export((int)fs.SafeFileHandle.DangerousGetHandle()); }
                finally { if (added) fs.SafeFileHandle.DangerousRelease(); }
            }
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
