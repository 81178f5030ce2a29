namespace MyDocker.SeccompTests;

/// <summary>
/// `dotnet MyDocker.SeccompTests.dll probe SCENARIO`: the child process of the load tests
/// (see LoadTests). A loaded seccomp filter cannot be removed, so it is never loaded into the
/// test host; the test host never calls Main.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "probe") return Probe.Run(args[1]);
        Console.Error.WriteLine("usage: MyDocker.SeccompTests probe SCENARIO (run by the tests)");
        return 2;
    }
}
