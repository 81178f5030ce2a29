using System.Text;
using MyDocker.Runtime.Lifecycle;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Fuzz;

/// <summary>
/// config.json as `create` reads it: decoded as File.ReadAllText does, parsed and validated
/// (ConfigLoader.Parse), then create's own checks (CreateOperation.CheckRunnable) against a bundle
/// that has a rootfs directory. Rejection must be one MyDockerException line. A config that passes
/// is what create saves to the state directory and init reads back (SpecJson, compact): it must
/// read back, and write out again the same.
/// </summary>
internal static class ConfigTarget
{
    // A bundle whose "rootfs" exists, so accepted inputs get past root.path to the checks after it.
    private static readonly string Bundle = MakeBundle();

    public static string? Run(byte[] input)
    {
        string text = new StreamReader(new MemoryStream(input), Encoding.UTF8, detectEncodingFromByteOrderMarks: true).ReadToEnd();
        Config config;
        try
        {
            config = ConfigLoader.Parse(text);
            CreateOperation.CheckRunnable(config, Bundle);
        }
        catch (MyDockerException e)
        {
            Contract.OneLine(e);
            return e.Message;
        }

        string saved = SpecJson.SerializeConfig(config, indented: false);
        Config read;
        try
        {
            read = SpecJson.DeserializeConfig(saved);
        }
        catch (MyDockerException e)
        {
            throw new FuzzFinding($"an accepted config does not read back as init reads it: {e.Message}", e);
        }
        if (SpecJson.SerializeConfig(read, indented: false) != saved)
            throw new FuzzFinding("an accepted config reads back different from what create saved");
        return null;
    }

    private static string MakeBundle()
    {
        string bundle = Path.Combine(AppContext.BaseDirectory, "bundle");
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs"));
        return bundle;
    }
}
