using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>
/// Entry point of the `mydocker` binary. Every verb is a fresh process (engines call several per
/// container), so this stays small: parse the global options, run one command, turn any
/// exception into one error line (ErrorText) and a non-zero exit — never a stack trace.
/// </summary>
public static class Program
{
    public static int Main(string[] argv)
    {
        MyDocker.Runtime.Process.StandardFds.OpenClosedOnDevNull();
        var args = new ArgReader(argv);
        GlobalOptions global;
        try
        {
            global = GlobalOptions.Parse(args);
        }
        catch (Exception e)
        {
            MyDocker.Runtime.Process.StdStream.ErrLine($"mydocker: {ErrorText.Of(e)}");
            return 2;
        }
        var log = new Log(global);
        try
        {
            return CommandTable.Run(global, args, log);
        }
        catch (Exception e)
        {
            // MyDockerException: our own sentence. A file error not turned into one on the way:
            // "path: strerror". Anything else is a bug of ours: "internal error: Type: text".
            log.Error(ErrorText.Of(e));
            return 1;
        }
    }
}
