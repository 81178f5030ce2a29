using System.Runtime.InteropServices;
using MyDocker.Runtime.Interop;
using SpecRlimit = MyDocker.Spec.Model.Rlimit;

namespace MyDocker.Runtime.Security;

/// <summary>
/// process.rlimits ready for init's last step (FinalExec): the resource numbers and values, and the
/// start of each one's error line, in native memory. <see cref="TrySetAll"/> then allocates nothing:
/// once an RLIMIT_AS is set, the .NET runtime may not be able to map anything new.
/// Rlimits.Prepare has checked the names and raised what needed raising before "ready".
/// </summary>
public sealed unsafe class RlimitPlan : IDisposable
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public int Resource;
        public Libc.RLimit Limit;
        public byte* What; // "process.rlimits[i]: setrlimit TYPE soft/hard: "
    }

    private readonly NativeStrings _strings = new();
    private Entry* _entries;

    public int Count { get; }

    public RlimitPlan(List<SpecRlimit>? rlimits)
    {
        Count = rlimits?.Count ?? 0;
        _entries = (Entry*)NativeMemory.AllocZeroed((nuint)(sizeof(Entry) * Math.Max(Count, 1)));
        for (int i = 0; i < Count; i++)
        {
            var r = rlimits![i];
            _entries[i] = new Entry
            {
                Resource = Rlimits.Resource(r.Type),
                Limit = new Libc.RLimit { Cur = r.Soft, Max = r.Hard },
                What = _strings.String(Rlimits.What(i, r) + ": "),
            };
        }
    }

    /// <summary>
    /// Sets every limit on the calling process, in the config's order. 0, or the errno of the first
    /// failure, with <paramref name="what"/> the start of its error line. Allocates nothing.
    /// </summary>
    public int TrySetAll(out byte* what)
    {
        what = null;
        for (int i = 0; i < Count; i++)
        {
            if (Libc.Child.Prlimit(0, _entries[i].Resource, &_entries[i].Limit, null) == 0) continue;
            what = _entries[i].What;
            return *Libc.Child.ErrnoLocation();
        }
        return 0;
    }

    public void Dispose()
    {
        if (_entries != null) NativeMemory.Free(_entries);
        _entries = null;
        _strings.Dispose();
    }
}
