using MyDocker.Spec;

namespace MyDocker.Engine;

/// <summary>
/// Entry point of `mydocker-engine`. Users do not call it by this name: `mydocker daemon ...`,
/// `mydocker container ...` and `mydocker image ...` exec it with the same arguments (Cli/EngineLauncher).
/// </summary>
public static class Program
{
    public static int Main(string[] argv)
    {
        try
        {
            return EngineCommands.Run(argv);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"mydocker: {ErrorText.Of(e)}");
            return 125;
        }
    }
}
