using System.Runtime.InteropServices;
using System.Text;

namespace MyDocker.Runtime.Interop;

/// <summary>
/// C strings and NULL-terminated string arrays (argv, envp) in native memory, freed together on
/// Dispose. Used wherever we hand a program and its arguments to the kernel: execve, execveat,
/// posix_spawn — and by the clone child, which must only read memory prepared before the clone.
/// </summary>
public sealed unsafe class NativeStrings : IDisposable
{
    private readonly List<nint> _allocations = new();

    public byte* String(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        byte* p = (byte*)NativeMemory.Alloc((nuint)n + 1);
        _allocations.Add((nint)p);
        fixed (char* c = s) Encoding.UTF8.GetBytes(c, s.Length, p, n);
        p[n] = 0;
        return p;
    }

    /// <summary>{ "a", "b" } → char*[] { "a", "b", NULL }.</summary>
    public nint* Array(IReadOnlyList<string> items)
    {
        nint* arr = (nint*)NativeMemory.Alloc((nuint)(sizeof(nint) * (items.Count + 1)));
        _allocations.Add((nint)arr);
        for (int i = 0; i < items.Count; i++) arr[i] = (nint)String(items[i]);
        arr[items.Count] = 0;
        return arr;
    }

    public void Dispose()
    {
        foreach (nint p in _allocations) NativeMemory.Free((void*)p);
        _allocations.Clear();
    }
}
