using MyDocker.Runtime.Interop;
using MyDocker.Runtime.State;

namespace MyDocker.Runtime.Init;

/// <summary>
/// init names itself "mydocker-init" (prctl PR_SET_NAME; runc's init is "runc:[2:INIT]"), and
/// execve replaces that name with the program's. So whoever waits for init to become the program
/// (`start`, `exec`) can tell, once init's close-on-exec descriptor has closed, a program that ran
/// (however briefly) from an init that died on the way without a word: a crash, a kill, the OOM
/// killer. Its zombie still carries the name.
/// </summary>
public static unsafe class InitName
{
    public const string Value = "mydocker-init";

    /// <summary>Names the calling thread, init's main thread: /proc/PID/stat shows it.</summary>
    public static void Set()
    {
        byte* name = stackalloc byte[Value.Length + 1];
        for (int i = 0; i < Value.Length; i++) name[i] = (byte)Value[i];
        name[Value.Length] = 0;
        Libc.Prctl(Libc.PR_SET_NAME, (nuint)name, 0, 0, 0);
    }

    /// <summary>
    /// Called when init's descriptor closed with nothing said: null when the program was exec'd (or
    /// when that can no longer be told: the process was reaped already), else "died before the
    /// program started (killed by signal 9)". The close comes a moment before execve renames the
    /// process, and before a dying process becomes a zombie: so wait for one or the other, briefly.
    /// </summary>
    public static string? DiedBeforeExec(int pid, ulong startTime)
    {
        long deadline = Environment.TickCount64 + 2000;
        for (int round = 0; ; round++)
        {
            if (ProcStat.Read(pid) is not { } st || st.StartTime != startTime || st.Comm != Value) return null;
            if (st.IsDead) return $"died before the program started ({Describe(st.ExitCode)})";
            if (Environment.TickCount64 > deadline) return null;
            if (round < 20) Thread.Yield(); // microseconds, usually
            else Thread.Sleep(1);
        }
    }

    /// <summary>A waitpid(2) status as words.</summary>
    private static string Describe(int status) =>
        (status & 0x7f) == 0 ? $"exit status {(status >> 8) & 0xff}" : $"killed by signal {status & 0x7f}";
}
