using MyDocker.Runtime.Terminal;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Init;

/// <summary>
/// The last stretch, shared by a container's first process and by `mydocker exec`: after the last
/// word with the runtime, become the configured user and exec the program (config.md "Process").
/// Errors here can only go to the process's own stderr: nobody listens on the channel any more.
/// </summary>
public static class UserProgram
{
    /// <param name="channel">exec only: still open (close-on-exec), so the runtime learns of an error here,
    /// and sees it close at the moment execve succeeds.</param>
    public static int Exec(Config config, string path, int slaveFd, Process.SyncChannel? channel = null)
    {
        try
        {
            var process = config.Process!;
            if (slaveFd >= 0) ControllingTerminal.Attach(slaveFd);
            ProcessIdentity.Apply(process.User);
            Directory.SetCurrentDirectory(process.Cwd);
            var env = process.Env ?? new List<string>();
            if (!env.Any(e => e.StartsWith("HOME=")))
                env = [.. env, "HOME=" + ProcessIdentity.HomeOf(process.User.Uid)];
            int preserve = int.TryParse(Environment.GetEnvironmentVariable(InitEnvironment.PreserveFds), out int n) ? n : 0;
            FinalExec.Exec(path, process.Args!, env, preserve);
            return 127; // not reached: Exec returns only by throwing
        }
        catch (MyDockerException e) { return Die(e.Message, channel); }
        catch (IOException e) { return Die(e.Message, channel); }
    }

    public static int Die(string message, Process.SyncChannel? channel = null)
    {
        if (channel != null) ContainerInit.TrySend(channel, Process.SyncChannel.ErrorPrefix + message);
        Console.Error.WriteLine($"mydocker: init: {message}");
        return 127;
    }
}
