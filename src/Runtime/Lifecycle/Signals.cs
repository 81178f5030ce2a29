using MyDocker.Spec;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>Signal names and numbers as `kill` accepts them: "KILL", "SIGKILL", "9"; RTMIN+n too.</summary>
public static class Signals
{
    private static readonly string[] Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
        "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    public const int SIGKILL = 9, SIGTERM = 15;
    private const int RtMin = 34, RtMax = 64;

    public static int Parse(string text)
    {
        string s = text.Trim().ToUpperInvariant();
        if (int.TryParse(s, out int n))
            return n is > 0 and <= RtMax ? n : throw Invalid(text);
        if (s.StartsWith("SIG")) s = s[3..];
        int idx = Array.IndexOf(Names, s);
        if (idx > 0) return idx;
        if (s is "IOT") return 6;
        if (s is "POLL") return 29;
        if (s.StartsWith("RTMIN"))
        {
            int off = s.Length == 5 ? 0 : int.TryParse(s[5..], out int o) ? o : -1000;
            if (RtMin + off is >= RtMin and <= RtMax) return RtMin + off;
        }
        if (s.StartsWith("RTMAX"))
        {
            int off = s.Length == 5 ? 0 : int.TryParse(s[5..], out int o) ? o : 1000;
            if (RtMax + off is >= RtMin and <= RtMax) return RtMax + off;
        }
        throw Invalid(text);
    }

    private static MyDockerException Invalid(string text) => new($"invalid signal \"{text}\"");
}
