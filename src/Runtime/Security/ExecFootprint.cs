using System.Buffers.Binary;

namespace MyDocker.Runtime.Security;

/// <summary>
/// The address space execve(2) maps for a program before it runs a single instruction, at least:
/// its ELF PT_LOAD segments, those of its ELF interpreter (PT_INTERP, e.g. ld-linux), and for a "#!"
/// script those of the interpreter on its first line (fs/binfmt_elf.c, fs/binfmt_script.c); plus the
/// stack, which fs/exec.c setup_arg_pages grows by 128 KiB (capped by RLIMIT_STACK).
///
/// Why it matters: the kernel checks RLIMIT_AS and RLIMIT_DATA for these mappings only past
/// execve's point of no return, so a limit below them does not make execve fail: the kernel kills
/// the process with SIGSEGV, and nobody is left to say why. Rlimits.Prepare compares the limits
/// with this footprint before "ready", so `create` fails with a line instead.
///
/// A lower bound: the vDSO, the pages of the arguments and the program's own first allocations come
/// on top. A format it does not know (or a file it cannot read) has no footprint: nothing is checked.
/// </summary>
public readonly record struct ExecFootprint(ulong Total, ulong Writable)
{
    /// <summary>fs/exec.c setup_arg_pages: stack_expand.</summary>
    public const ulong StackGrowth = 128 * 1024;

    private const uint PT_LOAD = 1, PT_INTERP = 3, PF_W = 2;
    private const int MaxScriptDepth = 4; // fs/exec.c: a fifth binfmt rewrite fails with ELOOP

    /// <param name="stackLimit">the soft RLIMIT_STACK the program will have</param>
    public static ExecFootprint Of(string path, ulong stackLimit)
    {
        var mapped = Mapped(path, scripts: 0, isInterpreter: false);
        if (mapped.Total == 0) return default;
        return mapped with { Total = mapped.Total + Math.Min(StackGrowth, stackLimit) };
    }

    /// <summary>The segments of a program and of what execve loads with it (its script or ELF interpreter).</summary>
    private static ExecFootprint Mapped(string path, int scripts, bool isInterpreter)
    {
        byte[] file;
        try
        {
            // The headers, the program headers and the PT_INTERP path are at the start of the file.
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            file = new byte[Math.Min(f.Length, 64 * 1024)];
            file = file[..f.ReadAtLeast(file, file.Length, throwOnEndOfStream: false)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return default; }

        if (file.Length > 2 && file[0] == '#' && file[1] == '!' && !isInterpreter)
            return scripts < MaxScriptDepth && Interpreter(file) is { } interp ? Mapped(interp, scripts + 1, false) : default;
        if (file.Length < 52 || file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F' || file[5] != 1 /* little-endian */)
            return default;
        bool is64 = file[4] == 2;
        ulong phoff = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(0x20)) : BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(0x1c));
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(is64 ? 0x36 : 0x2a));
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(is64 ? 0x38 : 0x2c));

        ulong page = (ulong)Environment.SystemPageSize;
        var loads = new List<(ulong Start, ulong End, bool Writable)>();
        ExecFootprint interpreter = default;
        for (int i = 0; i < phnum; i++)
        {
            ulong at = phoff + (ulong)(i * phentsize);
            if (at + (ulong)(is64 ? 56 : 32) > (ulong)file.Length) return default;
            var ph = file.AsSpan((int)at);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(ph[(is64 ? 4 : 24)..]);
            ulong offset = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(ph[4..]);
            ulong vaddr = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(ph[16..]) : BinaryPrimitives.ReadUInt32LittleEndian(ph[8..]);
            ulong filesz = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]) : BinaryPrimitives.ReadUInt32LittleEndian(ph[16..]);
            ulong memsz = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(ph[40..]) : BinaryPrimitives.ReadUInt32LittleEndian(ph[20..]);
            if (type == PT_LOAD && memsz > 0)
                loads.Add((vaddr & ~(page - 1), (vaddr + memsz + page - 1) & ~(page - 1), (flags & PF_W) != 0));
            else if (type == PT_INTERP && !isInterpreter && offset + filesz <= (ulong)file.Length && filesz > 1)
                interpreter = Mapped(System.Text.Encoding.UTF8.GetString(file, (int)offset, (int)filesz - 1).TrimEnd('\0'), scripts, true);
        }
        // Two segments may share a page: count each page once.
        ulong total = 0, writable = 0, coveredTo = 0;
        foreach (var (start, end, w) in loads.OrderBy(l => l.Start))
        {
            ulong from = Math.Max(start, coveredTo);
            if (end > from) total += end - from;
            if (w) writable += end - start;
            coveredTo = Math.Max(coveredTo, end);
        }
        return new ExecFootprint(total + interpreter.Total, writable + interpreter.Writable);
    }

    /// <summary>The interpreter of a "#!" line (fs/binfmt_script.c: up to the first blank, after optional blanks).</summary>
    private static string? Interpreter(byte[] file)
    {
        int end = Array.IndexOf(file, (byte)'\n');
        var line = System.Text.Encoding.UTF8.GetString(file, 2, (end < 0 ? Math.Min(file.Length, 256) : end) - 2);
        string interp = line.TrimStart(' ', '\t').Split(' ', '\t')[0];
        return interp.StartsWith('/') ? interp : null;
    }
}
