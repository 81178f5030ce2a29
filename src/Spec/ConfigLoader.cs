using MyDocker.Spec.Model;
using MyDocker.Spec.Validation;

namespace MyDocker.Spec;

/// <summary>
/// Reads a bundle's config.json and checks it (runtime-spec bundle.md, config.md, config-linux.md).
/// Every failure is a <see cref="MyDockerException"/> whose one-line message starts with "config.json: ".
/// Unknown fields are ignored and annotations kept (spec "Extensibility").
/// </summary>
public static class ConfigLoader
{
    public const string FileName = "config.json";

    private const int ENOENT = 2;
    private const int EACCES = 13;
    private const int EISDIR = 21;

    /// <summary>Reads &lt;bundleDir&gt;/config.json, parses it and runs <see cref="ConfigValidator.Validate"/>.</summary>
    public static Config Load(string bundleDir)
    {
        string bundle = Path.GetFullPath(bundleDir);
        string file = Path.Combine(bundle, FileName);
        if (!Directory.Exists(bundle))
            throw new MyDockerException($"{FileName}: not found in bundle {bundle} (no such directory)", ENOENT);
        if (Directory.Exists(file))
            throw new MyDockerException($"{FileName}: {file} is a directory", EISDIR);

        string text;
        try
        {
            text = SmallFile.ReadText(file);
        }
        catch (FileNotFoundException)
        {
            throw new MyDockerException($"{FileName}: not found in bundle {bundle}", ENOENT);
        }
        catch (UnauthorizedAccessException)
        {
            throw new MyDockerException($"{FileName}: cannot read {file}: permission denied", EACCES);
        }
        catch (IOException e)
        {
            throw ErrorText.Wrap($"{FileName}: cannot read {file}", e);
        }
        return Parse(text);
    }

    /// <summary>Parses config.json text and runs <see cref="ConfigValidator.Validate"/>.</summary>
    public static Config Parse(string json)
    {
        var config = SpecJson.DeserializeConfig(json, FileName);
        ConfigValidator.Validate(config);
        return config;
    }
}
