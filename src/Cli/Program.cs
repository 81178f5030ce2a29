using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>
/// Entry point of the `mydocker` binary. Every verb is a fresh process (engines call several per
/// container), so this stays small: parse the global options, run one command, turn any
/// MyDockerException into one error line and a non-zero exit.
/// </summary>
public static class Program
{
    public static int Main(string[] argv)
    {
        var args = new ArgReader(argv);
        GlobalOptions global;
        try
        {
            global = GlobalOptions.Parse(args);
        }
        catch (MyDockerException e)
        {
            Console.Error.WriteLine($"mydocker: {e.Message}");
            return 2;
        }
        var log = new Log(global);
        try
        {
            return CommandTable.Run(global, args, log);
        }
        catch (MyDockerException e)
        {
            log.Error(e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // File errors not turned into a MyDockerException on the way: still one line, never a stack trace.
            log.Error(e.Message);
            return 1;
        }
    }
}
