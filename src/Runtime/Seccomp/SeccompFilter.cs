using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using SeccompSpec = MyDocker.Spec.Model.Seccomp;
using SeccompSyscallSpec = MyDocker.Spec.Model.SeccompSyscall;

namespace MyDocker.Runtime.Seccomp;

/// <summary>
/// config-linux.md "Seccomp": a libseccomp filter context built from linux.seccomp, ready to load.
///
/// Two steps, because they belong at two different moments of init:
///   <see cref="Build"/>, <see cref="Compile"/>  before "ready" (and before pivot_root): every mistake
///                        in the profile fails `create` with one line naming the field;
///   <see cref="SeccompProgram.TryLoad"/>  the last thing before execve(2), after the rlimits, so the
///                        user program is the first thing the filter constrains and a profile needs to
///                        allow only what the program needs (plus execve). That needs no_new_privs set
///                        first (process.noNewPrivileges) or CAP_SYS_ADMIN: without noNewPrivileges,
///                        it is loaded BEFORE init switches to process.user / drops capabilities (as
///                        runc); the profile must then also allow those calls and prlimit64 (the
///                        rlimits come last, see FinalExec).
///
/// Semantics follow runc (libcontainer/seccomp/seccomp_linux.go):
///  - the filter does not set no_new_privs on load: process.noNewPrivileges decides that. Without it,
///    the kernel requires CAP_SYS_ADMIN to load, so a process that drops privileges must load first;
///  - every listed architecture is added; the native one is always there;
///  - a system call name this libseccomp does not know is skipped (a profile written for a newer
///    kernel still works) — never silently: it is listed in <see cref="Warnings"/> for the caller to log;
///  - a rule whose action equals the default action is skipped (libseccomp refuses such rules);
///  - args: comparisons on distinct argument indexes form ONE rule (AND). If two comparisons share an
///    index, EVERY comparison of the entry becomes a rule of its own (OR): runc's rule, which profiles
///    such as Docker's rely on to list allowed values ("personality" arg0 == 0, arg0 == 8, ...).
///  - not done: runc's "-ENOSYS for syscalls newer than the profile" BPF patch (patchbpf); a syscall
///    the profile does not mention gets the default action.
/// </summary>
public sealed unsafe class SeccompFilter : IDisposable
{
    private const string Field = "linux.seccomp";
    private const int EEXIST = 17;

    private nint _ctx;
    private readonly List<string> _warnings = new();
    private readonly List<string> _unknown = new();
    // Unconditional rules so far: syscall number → (action, field). libseccomp silently keeps the
    // first of two such rules with different actions; we say so.
    private readonly Dictionary<int, (uint Action, string At)> _unconditional = new();

    /// <summary>
    /// One line per thing of the profile that has no effect, naming the field, for the caller to log:
    /// an unknown system call name ("linux.seccomp.syscalls[3].names[0]: unknown system call \"foo\"
    /// ignored (libseccomp 2.5.4)"), or an argument-less rule that an earlier one for the same call overrides.
    /// </summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The system call names that were ignored because libseccomp does not know them.</summary>
    public IReadOnlyList<string> UnknownSyscalls => _unknown;

    /// <summary>The libseccomp value of defaultAction (with defaultErrnoRet).</summary>
    public uint DefaultAction { get; }

    /// <summary>How many seccomp_rule_add calls went into the filter.</summary>
    public int RuleCount { get; private set; }

    public bool Loaded { get; private set; }

    private SeccompFilter(uint defaultAction) => DefaultAction = defaultAction;

    /// <summary>"2.5.4": the libseccomp this process uses (loads it).</summary>
    public static string LibraryVersion
    {
        get
        {
            EnsureLibrary();
            var v = Libseccomp.GetVersion();
            return $"{v->Major}.{v->Minor}.{v->Micro}";
        }
    }

    /// <summary>
    /// Checks linux.seccomp and builds its filter in memory; nothing is loaded into the kernel yet.
    /// Throws a MyDockerException whose one line names the config field at fault.
    /// </summary>
    public static SeccompFilter Build(SeccompSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        EnsureLibrary();

        // There is no agent to hand a notify fd to: refuse rather than start a container whose
        // notified system calls would block forever.
        if (!string.IsNullOrEmpty(spec.ListenerPath))
            throw new MyDockerException($"{Field}.listenerPath: seccomp user notification is not supported");

        uint defaultAction = SeccompNames.Action(spec.DefaultAction, spec.DefaultErrnoRet,
            Field + ".defaultAction", Field + ".defaultErrnoRet");

        nint ctx = Libseccomp.Init(defaultAction);
        if (ctx == 0)
            throw new MyDockerException($"{Field}.defaultAction: {spec.DefaultAction} is not supported by " +
                $"libseccomp {LibraryVersion} on this kernel (seccomp API level {Libseccomp.ApiGet()})");
        var filter = new SeccompFilter(defaultAction) { _ctx = ctx };
        try
        {
            filter.Configure(spec);
            return filter;
        }
        catch
        {
            filter.Dispose();
            throw;
        }
    }

    private void Configure(SeccompSpec spec)
    {
        // libseccomp sets no_new_privs on load by default; the spec leaves that to process.noNewPrivileges.
        Attr(Libseccomp.SCMP_FLTATR_CTL_NNP, 0, Field, "clearing the no_new_privs attribute");
        // Report the kernel's errno when loading fails (EACCES: no privilege), not libseccomp's
        // catch-all ECANCELED. Older libseccomp lacks the attribute: then ECANCELED it is.
        Libseccomp.AttrSet(_ctx, Libseccomp.SCMP_FLTATR_API_SYSRAWRC, 1);

        if (spec.Architectures is { } arches)
            for (int i = 0; i < arches.Count; i++)
                AddArchitecture(arches[i], $"{Field}.architectures[{i}]");

        if (spec.Flags is { } flags)
            for (int i = 0; i < flags.Count; i++)
            {
                string at = $"{Field}.flags[{i}]";
                Attr(SeccompNames.FlagAttribute(flags[i], at), 1, at, $"{flags[i]} is not supported by this libseccomp or kernel");
            }

        if (spec.Syscalls is { } syscalls)
            for (int i = 0; i < syscalls.Count; i++)
                AddSyscallRules(syscalls[i], $"{Field}.syscalls[{i}]");

        // As runc: a binary tree of syscall numbers for long profiles (libseccomp <= 2.5.4 misbehaves
        // with it and no rules, hence the threshold). Only a speed-up: older libseccomp lacks it.
        if (RuleCount > 32)
            Libseccomp.AttrSet(_ctx, Libseccomp.SCMP_FLTATR_CTL_OPTIMIZE, 2);
    }

    private void AddArchitecture(string specName, string at)
    {
        string name = SeccompNames.Architecture(specName, at);
        uint token = Libseccomp.ArchResolveName(name);
        if (token == 0)
            throw new MyDockerException($"{at}: {specName} is not supported by libseccomp {LibraryVersion}");
        int rc = Libseccomp.ArchAdd(_ctx, token);
        if (rc < 0 && rc != -EEXIST) // -EEXIST: already there (the native one, or listed twice)
            throw new MyDockerException($"{at}: adding {specName} to the filter: {Libc.StrError(-rc)}", -rc);
    }

    private void AddSyscallRules(SeccompSyscallSpec syscall, string at)
    {
        uint action = SeccompNames.Action(syscall.Action, syscall.ErrnoRet, at + ".action", at + ".errnoRet");
        var conditions = Conditions(syscall, at, out bool sharedIndex);
        if (syscall.Names is not { Count: > 0 } names)
            throw new MyDockerException($"{at}.names: must not be empty");

        for (int k = 0; k < names.Count; k++)
        {
            string name = names[k];
            string nameAt = $"{at}.names[{k}]";
            if (string.IsNullOrEmpty(name)) throw new MyDockerException($"{nameAt}: must not be empty");
            int nr = Libseccomp.SyscallResolveName(name);
            if (nr == Libseccomp.NR_SCMP_ERROR)
            {
                _unknown.Add(name);
                _warnings.Add($"{nameAt}: unknown system call \"{name}\" ignored (libseccomp {LibraryVersion})");
                continue;
            }
            if (action == DefaultAction) continue; // redundant, and libseccomp refuses it

            if (conditions.Length == 0)
            {
                if (_unconditional.TryGetValue(nr, out var first))
                {
                    if (first.Action != action)
                        _warnings.Add($"{nameAt}: \"{name}\" already has a rule with another action at {first.At}; that one applies");
                    continue;
                }
                _unconditional[nr] = (action, nameAt);
                AddRule(action, nr, ReadOnlySpan<Libseccomp.ArgCmp>.Empty, name, nameAt);
            }
            else if (!sharedIndex)
                AddRule(action, nr, conditions, name, nameAt);
            else
                foreach (var c in conditions) AddRule(action, nr, new[] { c }, name, nameAt);
        }
    }

    /// <summary>syscalls[].args as libseccomp comparisons; sharedIndex when two use the same argument.</summary>
    private static Libseccomp.ArgCmp[] Conditions(SeccompSyscallSpec syscall, string at, out bool sharedIndex)
    {
        sharedIndex = false;
        if (syscall.Args is not { Count: > 0 } args) return [];
        var result = new Libseccomp.ArgCmp[args.Count];
        Span<int> perIndex = stackalloc int[6];
        for (int j = 0; j < args.Count; j++)
        {
            var a = args[j];
            string argAt = $"{at}.args[{j}]";
            if (a.Index > 5) throw new MyDockerException($"{argAt}.index: must be between 0 and 5, got {a.Index}");
            if (++perIndex[(int)a.Index] > 1) sharedIndex = true;
            // For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo the value compared after masking:
            // the order of libseccomp's datum_a/datum_b, which the spec copies.
            result[j] = new Libseccomp.ArgCmp
            {
                Arg = a.Index,
                Op = SeccompNames.Operator(a.Op, argAt + ".op"),
                DatumA = a.Value,
                DatumB = a.ValueTwo ?? 0,
            };
        }
        return result;
    }

    private void AddRule(uint action, int nr, ReadOnlySpan<Libseccomp.ArgCmp> conditions, string name, string at)
    {
        int rc;
        fixed (Libseccomp.ArgCmp* p = conditions)
            rc = Libseccomp.RuleAddArray(_ctx, action, nr, (uint)conditions.Length, p);
        if (rc == -EEXIST)
            throw new MyDockerException($"{at}: adding the rule for \"{name}\": an earlier rule has the same arguments and another action", -rc);
        if (rc < 0)
            throw new MyDockerException($"{at}: adding the rule for \"{name}\": {Libc.StrError(-rc)}", -rc);
        RuleCount++;
    }

    private void Attr(int attr, uint value, string at, string what)
    {
        int rc = Libseccomp.AttrSet(_ctx, attr, value);
        if (rc < 0) throw new MyDockerException($"{at}: {what}: {Libc.StrError(-rc)}", -rc);
    }

    /// <summary>
    /// Compiles and installs the filter on the calling thread (every thread with
    /// SECCOMP_FILTER_FLAG_TSYNC). From here on every system call of this process passes the filter.
    /// </summary>
    public void Load()
    {
        using var program = Compile();
        program.Load();
        Loaded = true;
    }

    /// <summary>
    /// The BPF program seccomp_load would install, with its seccomp(2) flags, taken out of libseccomp
    /// (seccomp_export_bpf through a memfd) so that loading it later needs no allocation.
    /// </summary>
    public SeccompProgram Compile()
    {
        ObjectDisposedException.ThrowIf(_ctx == 0, this);
        int fd = Libc.MemfdCreate("mydocker-seccomp", Libc.MFD_CLOEXEC);
        if (fd < 0) throw Libc.Fail($"{Field}: memfd_create");
        try
        {
            ExportBpf(fd);
            if (Libc.Lseek(fd, 0, 0 /* SEEK_SET */) < 0) throw Libc.Fail($"{Field}: lseek on the exported program");
            byte[] bpf = Process.FdBytes.ReadAll(fd, $"{Field}: reading the exported program");
            uint flags = 0;
            if (AttrIsSet(Libseccomp.SCMP_FLTATR_CTL_TSYNC)) flags |= Libc.SECCOMP_FILTER_FLAG_TSYNC;
            if (AttrIsSet(Libseccomp.SCMP_FLTATR_CTL_LOG)) flags |= Libc.SECCOMP_FILTER_FLAG_LOG;
            if (AttrIsSet(Libseccomp.SCMP_FLTATR_CTL_SSB)) flags |= Libc.SECCOMP_FILTER_FLAG_SPEC_ALLOW;
            return new SeccompProgram(bpf, flags);
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    /// <summary>A filter attribute is 1 (an older libseccomp without it: not set).</summary>
    private bool AttrIsSet(int attr)
    {
        uint value = 0;
        return Libseccomp.AttrGet(_ctx, attr, &value) == 0 && value != 0;
    }

    /// <summary>Writes the BPF program (struct sock_filter[], host byte order) to fd: what Load would install.</summary>
    public void ExportBpf(int fd) => Export(Libseccomp.ExportBpf, fd, "seccomp_export_bpf");

    /// <summary>Writes libseccomp's readable pseudo-C form of the filter to fd (for debugging).</summary>
    public void ExportPfc(int fd) => Export(Libseccomp.ExportPfc, fd, "seccomp_export_pfc");

    private void Export(Func<nint, int, int> export, int fd, string what)
    {
        ObjectDisposedException.ThrowIf(_ctx == 0, this);
        int rc = export(_ctx, fd);
        if (rc < 0) throw new MyDockerException($"{Field}: {what}: {Libc.StrError(-rc)}", -rc);
    }

    /// <summary>
    /// Binds libseccomp now, with a clean error if it is missing. The mydocker binary has it linked
    /// in, so this cannot fail there; where it is loaded at run time (the tests, under the JIT) the
    /// dlopen happens here, while "/" is still the host's.
    /// </summary>
    private static void EnsureLibrary()
    {
        try
        {
            Libseccomp.GetVersion();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new MyDockerException($"{Field}: needs {Libseccomp.Lib} (libseccomp 2.5 or newer), which cannot be loaded");
        }
    }

    public void Dispose()
    {
        nint ctx = Interlocked.Exchange(ref _ctx, 0);
        if (ctx != 0) Libseccomp.Release(ctx);
        GC.SuppressFinalize(this);
    }

    ~SeccompFilter()
    {
        if (_ctx != 0) Libseccomp.Release(_ctx);
    }
}
