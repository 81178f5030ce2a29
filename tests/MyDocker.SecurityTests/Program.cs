using MyDocker.SecurityTests.Probe;

namespace MyDocker.SecurityTests;

/// <summary>
/// `dotnet MyDocker.SecurityTests.dll probe SCENARIO`: the child process of ProbeTests, which plays
/// the container's init for one scenario and prints what the kernel then reports. The test host
/// never calls Main.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "probe") return SecurityProbe.Run(args[1]);
        Console.Error.WriteLine("usage: MyDocker.SecurityTests probe SCENARIO (run by the tests)");
        return 2;
    }
}
