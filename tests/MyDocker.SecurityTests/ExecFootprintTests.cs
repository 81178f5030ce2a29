using System.Buffers.Binary;
using MyDocker.Runtime.Security;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.SecurityTests;

/// <summary>
/// ExecFootprint: what execve maps for a program at least, read from hand-made ELF files whose
/// segments are known, and the create-time refusal of memory rlimits below it.
/// </summary>
public class ExecFootprintTests
{
    private const ulong Page = 4096, Stack = ExecFootprint.StackGrowth;

    /// <summary>A minimal ELF64 file: header, then one program header per segment (type, flags, vaddr, memsz), then the interpreter path.</summary>
    private static byte[] Elf64(string? interp, params (uint Type, uint Flags, ulong Vaddr, ulong Memsz)[] segments)
    {
        var all = segments.ToList();
        byte[] interpBytes = interp == null ? [] : System.Text.Encoding.ASCII.GetBytes(interp + "\0");
        if (interp != null) all.Insert(0, (3, 4, 0, (ulong)interpBytes.Length));
        int phoff = 64, phsize = 56, interpAt = phoff + phsize * all.Count;
        var b = new byte[interpAt + interpBytes.Length];
        b[0] = 0x7f; b[1] = (byte)'E'; b[2] = (byte)'L'; b[3] = (byte)'F'; b[4] = 2; b[5] = 1; b[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x10), 2); // ET_EXEC
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(0x20), (ulong)phoff);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x36), (ushort)phsize);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x38), (ushort)all.Count);
        for (int i = 0; i < all.Count; i++)
        {
            var ph = b.AsSpan(phoff + i * phsize);
            BinaryPrimitives.WriteUInt32LittleEndian(ph, all[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], all[i].Flags);
            if (all[i].Type == 3)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], (ulong)interpAt);   // p_offset
                BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], all[i].Memsz);     // p_filesz
            }
            BinaryPrimitives.WriteUInt64LittleEndian(ph[16..], all[i].Vaddr);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[40..], all[i].Memsz);
        }
        interpBytes.CopyTo(b, interpAt);
        return b;
    }

    private const uint Load = 1, R = 4, W = 2, X = 1;

    [Fact]
    public void Segments_are_counted_in_whole_pages_and_a_shared_page_once()
    {
        using var tmp = new TempDir();
        string prog = tmp.File("prog");
        File.WriteAllBytes(prog, Elf64(null,
            (Load, R | X, 0x400000, 0x1800),         // pages 0x400000, 0x401000
            (Load, R | W, 0x401800, 0x2000),         // shares 0x401000; then 0x402000, 0x403000
            (Load, R, 0x500010, 0x10)));             // one page
        var f = ExecFootprint.Of(prog, stackLimit: 8 << 20);
        Assert.Equal(5 * Page + Stack, f.Total);
        Assert.Equal(3 * Page, f.Writable);          // the writable segment's own pages, the shared one too
    }

    [Fact]
    public void The_elf_interpreter_and_a_script_interpreter_are_added()
    {
        using var tmp = new TempDir();
        string ld = tmp.File("ld.so");
        File.WriteAllBytes(ld, Elf64(null, (Load, R | X, 0, 3 * Page), (Load, R | W, 0x10000, Page)));
        string prog = tmp.File("prog");
        File.WriteAllBytes(prog, Elf64(ld, (Load, R | X, 0x1000, Page)));
        string script = tmp.File("script", $"#!  {prog} -x\necho\n");
        string scriptOfScript = tmp.File("script2", $"#!{script}\n");

        Assert.Equal(new ExecFootprint(5 * Page + Stack, Page), ExecFootprint.Of(prog, 8 << 20));
        Assert.Equal(ExecFootprint.Of(prog, 8 << 20), ExecFootprint.Of(script, 8 << 20));
        Assert.Equal(ExecFootprint.Of(prog, 8 << 20), ExecFootprint.Of(scriptOfScript, 8 << 20));
        // The stack grows by at most RLIMIT_STACK.
        Assert.Equal(5 * Page + 8192, ExecFootprint.Of(prog, 8192).Total);
    }

    [Fact]
    public void What_it_cannot_read_or_does_not_know_has_no_footprint()
    {
        using var tmp = new TempDir();
        Assert.Equal(default, ExecFootprint.Of(tmp.File("text", "just text\n"), 8 << 20));
        Assert.Equal(default, ExecFootprint.Of(tmp.File("relative-script", "#!sh\n"), 8 << 20));
        Assert.Equal(default, ExecFootprint.Of(Path.Combine(tmp.Path, "missing"), 8 << 20));
    }

    [Fact]
    public void Prepare_refuses_an_address_space_or_data_limit_below_it()
    {
        using var tmp = new TempDir();
        string prog = tmp.File("prog");
        File.WriteAllBytes(prog, Elf64(null, (Load, R | X, 0x400000, 16 * Page), (Load, R | W, 0x500000, 4 * Page)));
        ulong need = 20 * Page + Stack;
        // Below, by one page: refused, naming the entry. Exactly enough: accepted.
        var e = Assert.Throws<MyDockerException>(() => Rlimits.Prepare([Limit("RLIMIT_CORE", 0), Limit("RLIMIT_AS", need - Page)], prog));
        Assert.Equal($"process.rlimits[1]: RLIMIT_AS {need - Page} is too small to exec {prog}: execve maps at least {need} bytes for it " +
            "(past execve's point of no return, the kernel would kill the process with SIGSEGV)", e.Message);
        Rlimits.Prepare([Limit("RLIMIT_AS", need)], prog);
        Assert.StartsWith($"process.rlimits[0]: RLIMIT_DATA {3 * Page} is too small to exec {prog}: its writable segments take {4 * Page} bytes",
            Assert.Throws<MyDockerException>(() => Rlimits.Prepare([Limit("RLIMIT_DATA", 3 * Page)], prog)).Message);
        // A smaller RLIMIT_STACK makes the stack smaller.
        Rlimits.Prepare([Limit("RLIMIT_AS", 20 * Page + 8192), Limit("RLIMIT_STACK", 8192)], prog);
    }

    /// <summary>Soft = hard = value, at or below what this process has (Prepare raises nothing then).</summary>
    private static Rlimit Limit(string type, ulong value) => new() { Type = type, Soft = value, Hard = value };
}
