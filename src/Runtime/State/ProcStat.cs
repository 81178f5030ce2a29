using MyDocker.Spec;
namespace MyDocker.Runtime.State;

/// <summary>
/// Reads /proc/PID/stat: the process state letter and its start time (field 22, clock ticks since
/// boot). A pid plus its start time names one process for good, even after the pid is reused.
/// Also its name (comm, field 2) and, for a zombie, its wait status (exit_code, field 52).
/// </summary>
public readonly record struct ProcStat(char State, ulong StartTime, string Comm = "", int ExitCode = 0)
{
    public bool IsDead => State is 'Z' or 'X' or 'x';

    public static ProcStat? Read(int pid)
    {
        if (pid <= 0) return null;
        string text;
        try
        {
            text = SmallFile.ReadText($"/proc/{pid}/stat");
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // "pid (comm) S ppid ..." — comm may hold spaces and parentheses: parse after the last ')'.
        int open = text.IndexOf('('), close = text.LastIndexOf(')');
        if (open < 0 || close < open) return null;
        string[] f = text[(close + 2)..].Split(' ');
        // f[0] is field 3 (state); field 22 (starttime) is f[19], field 52 (exit_code) f[49].
        if (f.Length < 20 || !ulong.TryParse(f[19], out ulong start)) return null;
        int exitCode = f.Length > 49 && int.TryParse(f[49], out int code) ? code : 0;
        return new ProcStat(f[0][0], start, text[(open + 1)..close], exitCode);
    }

    /// <summary>True when PID is still the very process that was recorded with startTime, and not a zombie.</summary>
    public static bool IsAlive(int pid, ulong startTime)
    {
        var s = Read(pid);
        return s is { } st && !st.IsDead && st.StartTime == startTime;
    }
}
