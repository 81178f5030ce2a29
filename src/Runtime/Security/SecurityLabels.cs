using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Security;

/// <summary>Where the LSM state is read and written: the real /proc and /sys, or a fake tree in tests.</summary>
public sealed record LabelHost(string ProcRoot, string SysRoot)
{
    public static readonly LabelHost Default = new("/proc", "/sys");
}

/// <summary>
/// config.md "Linux Process": apparmorProfile and selinuxLabel. Both are "exec" attributes: written
/// now, they take effect at the next execve — the user program's. The spec says the runtime MUST
/// error when it cannot apply them, so asking for a label on a host without that LSM fails instead
/// of silently running unconfined.
///
/// The attributes are per task; /proc/thread-self names the calling thread (init's main thread, the
/// one that execs), /proc/self only the thread-group leader — the same task here, and the fallback
/// for kernels older than 3.17.
/// </summary>
public static class SecurityLabels
{
    /// <summary>AppArmor is on when the module parameter "enabled" says Y (as runc and libapparmor check).</summary>
    public static bool AppArmorEnabled(LabelHost host)
    {
        try { return SmallFile.ReadText(Path.Combine(host.SysRoot, "module/apparmor/parameters/enabled")).StartsWith('Y'); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>SELinux is on when selinuxfs is mounted (its "enforce" file exists, permissive or enforcing).</summary>
    public static bool SelinuxEnabled(LabelHost host) => File.Exists(Path.Combine(host.SysRoot, "fs/selinux/enforce"));

    public static void Apply(Config config, LabelHost host)
    {
        var process = config.Process;
        if (process is null) return;

        if (!string.IsNullOrEmpty(process.ApparmorProfile))
        {
            if (!AppArmorEnabled(host))
                throw new MyDockerException("process.apparmorProfile: AppArmor is not enabled on this host");
            // attr/apparmor/exec is AppArmor's own file (LSM stacking, Linux 5.8+); attr/exec the shared one.
            WriteAttr(host, ["attr/apparmor/exec", "attr/exec"], "exec " + process.ApparmorProfile, "process.apparmorProfile");
        }

        if (!string.IsNullOrEmpty(process.SelinuxLabel))
        {
            if (!SelinuxEnabled(host))
                throw new MyDockerException("process.selinuxLabel: SELinux is not enabled on this host");
            WriteAttr(host, ["attr/exec"], process.SelinuxLabel, "process.selinuxLabel");
        }
    }

    /// <summary>The first of the candidate files that exists under thread-self (then self) gets the value.</summary>
    private static unsafe void WriteAttr(LabelHost host, string[] candidates, string value, string field)
    {
        string? path = null;
        foreach (string task in new[] { "thread-self", "self" })
        {
            foreach (string c in candidates)
            {
                string p = Path.Combine(host.ProcRoot, task, c);
                if (File.Exists(p)) { path = p; break; }
            }
            if (path != null) break;
        }
        if (path is null)
            throw new MyDockerException($"{field}: no {candidates[^1]} under {host.ProcRoot}/thread-self or {host.ProcRoot}/self");

        int fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CLOEXEC | Libc.O_NOFOLLOW, 0);
        if (fd < 0) throw Libc.Fail($"{field}: opening {path}");
        try
        {
            // One write(2): the LSM takes the whole attribute from a single call.
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            fixed (byte* b = bytes)
            {
                nint n = Libc.Write(fd, b, bytes.Length);
                if (n < 0) throw Libc.Fail($"{field}: writing \"{value}\" to {path}");
                if (n != bytes.Length) throw new MyDockerException($"{field}: short write of \"{value}\" to {path}");
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
