using System.Text.RegularExpressions;
using MyDocker.Spec.Model;

namespace MyDocker.Spec.Validation;

/// <summary>
/// Checks a parsed config.json against runtime-spec config.md and config-linux.md: what the JSON schema
/// cannot say (absolute paths, known names, fields that need a namespace, duplicates).
/// Failures are a <see cref="MyDockerException"/> "config.json: &lt;json path&gt;: &lt;problem&gt;" for the first
/// problem found. The rules live in one file per spec section: ProcessRules, MountRules, HookRules,
/// LinuxRules, SeccompRules.
/// </summary>
public static partial class ConfigValidator
{
    public const string Prefix = "config.json: ";

    /// <summary>The general check (`process` may be absent: it is only needed to start).</summary>
    public static void Validate(Config config) => ThrowFirst(Check(config, forCreate: false));

    /// <summary>The check for `create`: <see cref="Validate"/> plus a process to run.</summary>
    public static void ValidateForCreate(Config config) => ThrowFirst(Check(config, forCreate: true));

    /// <summary>Every problem found, in document order, as "&lt;json path&gt;: &lt;problem&gt;" (no "config.json: ").</summary>
    public static IReadOnlyList<string> Check(Config config, bool forCreate = false)
    {
        var problems = new Problems();
        var namespaces = new NamespaceSet(config.Linux?.Namespaces);
        CheckVersion(config.OciVersion, problems);
        CheckRoot(config.Root, problems);
        if (config.Process is { } process) ProcessRules.Check(process, problems);
        else if (forCreate) problems.Add("process", "is required");
        MountRules.Check(config.Mounts, namespaces, problems);
        CheckUtsNames(config, namespaces, problems);
        HookRules.Check(config.Hooks, problems);
        CheckAnnotations(config.Annotations, problems);
        if (config.Linux is { } linux) LinuxRules.Check(linux, namespaces, problems);
        return problems.Lines;
    }

    private static void ThrowFirst(IReadOnlyList<string> problems)
    {
        if (problems.Count > 0) throw new MyDockerException(Prefix + problems[0]);
    }

    // ociVersion: SemVer 2.0.0, and a 1.x version (later minors only add optional fields).
    // The pattern ends in \z, not $: $ also matches before a final newline, and "1.0.0\n" is not SemVer.
    private static void CheckVersion(string? version, Problems problems)
    {
        if (string.IsNullOrEmpty(version))
            problems.Add("ociVersion", "must not be empty");
        else if (SemVer().Match(version) is not { Success: true } match)
            problems.Add("ociVersion", $"{Problems.Quote(version)} is not a SemVer version such as {SpecVersion.Current}");
        else if (match.Groups["major"].Value != "1")
            problems.Add("ociVersion", $"unsupported version {version} (this runtime implements 1.x)");
    }

    [GeneratedRegex(@"^(?<major>0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\z")]
    private static partial Regex SemVer();

    // root: required on Linux; root.path absolute or relative to the bundle, but not empty, and a path
    // the kernel can take (a NUL would end it early; .NET's Path methods refuse it with an exception).
    private static void CheckRoot(Root? root, Problems problems)
    {
        if (root is null) problems.Add("root", "is required");
        else if (root.Path.Contains('\0')) problems.Add("root.path", $"{Problems.Quote(root.Path)} contains a NUL character");
        else problems.NotEmpty(root.Path, "root.path");
    }

    // hostname / domainname are set in the container's uts namespace, never in the host's.
    private static void CheckUtsNames(Config config, NamespaceSet namespaces, Problems problems)
    {
        if (namespaces.Has("uts")) return;
        if (!string.IsNullOrEmpty(config.Hostname))
            problems.Add("hostname", "needs a new uts namespace in linux.namespaces");
        if (!string.IsNullOrEmpty(config.Domainname))
            problems.Add("domainname", "needs a new uts namespace in linux.namespaces");
    }

    // config.md "Annotations": keys must not be empty.
    private static void CheckAnnotations(Dictionary<string, string>? annotations, Problems problems)
    {
        if (annotations is not null && annotations.ContainsKey(""))
            problems.Add("annotations", "keys must not be empty");
    }
}

/// <summary>The namespaces linux.namespaces asks for: new ones (no path) and joined ones (path).</summary>
internal sealed class NamespaceSet(IReadOnlyList<Namespace?>? namespaces)
{
    private readonly IReadOnlyList<Namespace?> _namespaces = namespaces ?? [];

    public bool Has(string type) => _namespaces.Any(n => n?.Type == type);

    public bool IsNew(string type) => _namespaces.Any(n => n?.Type == type && string.IsNullOrEmpty(n.Path));
}
