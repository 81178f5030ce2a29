using System.Diagnostics;
using MyDocker.Runtime.Rootfs;
using MyDocker.Spec;

namespace MyDocker.RootfsTests.Probe;

/// <summary>
/// Plays the container's init for one scenario: Prepare, PivotRoot, Finish, exactly as the
/// runtime calls them, then runs the scenario's shell script INSIDE the new root and lets it
/// print what it sees ("key=value" lines). Runs only in a throw-away mount namespace.
/// </summary>
public static class ProbeMain
{
    public static int Run(string scenario, string dir)
    {
        var s = Scenarios.Get(scenario);
        var config = s.Config(dir);
        string rootfs = Path.Combine(dir, "rootfs");
        try
        {
            RootfsSetup.Prepare(config, rootfs, bundle: dir);
            Console.WriteLine("step=prepared");
            RootfsSetup.PivotRoot(rootfs);
            Console.WriteLine("step=pivoted");
            RootfsSetup.Finish(config);
            Console.WriteLine("step=finished");
        }
        catch (MyDockerException e)
        {
            Console.WriteLine($"error={e.Message}");
            return 1;
        }
        Console.Out.Flush();

        // /bin/sh of the rootfs: the scenarios bind the host's /usr in, and /bin -> usr/bin.
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(s.Script);
        using var sh = System.Diagnostics.Process.Start(psi)!;
        sh.WaitForExit();
        return sh.ExitCode;
    }
}
