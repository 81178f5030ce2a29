using MyDocker.RootfsTests.Probe;

namespace MyDocker.RootfsTests;

/// <summary>
/// `dotnet MyDocker.RootfsTests.dll probe SCENARIO DIR`: the child process of the real-mount
/// tests (see RealMountTests). The test host never calls Main.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "probe") return ProbeMain.Run(args[1], args[2]);
        Console.Error.WriteLine("usage: MyDocker.RootfsTests probe SCENARIO DIR (run by the tests, inside `unshare -m`)");
        return 2;
    }
}
