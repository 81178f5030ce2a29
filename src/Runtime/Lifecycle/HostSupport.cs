using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>
/// Config fields this host (or this runtime) cannot honour are refused at `create`, with one line
/// naming the field — never silently ignored (config-linux.md: a runtime MUST error on what it
/// cannot apply).
/// </summary>
public static class HostSupport
{
    public static void Check(Config config)
    {
        if (config.Linux?.IntelRdt is { } rdt && rdt.ValueKind != System.Text.Json.JsonValueKind.Null)
            throw new MyDockerException("config.json: linux.intelRdt: Intel RDT is not supported by mydocker");
        if (!string.IsNullOrEmpty(config.Linux?.MountLabel))
            throw new MyDockerException(File.Exists("/sys/fs/selinux/enforce")
                ? "config.json: linux.mountLabel: SELinux mount labels are not supported by mydocker yet"
                : "config.json: linux.mountLabel: SELinux is not enabled on this host");
    }
}
