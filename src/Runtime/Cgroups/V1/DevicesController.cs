using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 devices controller (Documentation/admin-guide/cgroup-v1/devices.rst) for config-linux.md
/// "Allowed Device list": "a" to devices.deny first (nothing is allowed: the whitelist runc starts
/// from), then every rule of <see cref="DeviceRules.For"/> in order, allow → devices.allow, deny →
/// devices.deny, one "type major:minor access" line per write.
/// At create only (or when an update gives devices): rewriting the list of a running container would
/// briefly deny everything.
/// </summary>
public sealed class DevicesController : ICgroupController
{
    public string Name => "devices";

    public bool IsSet(Resources r) => r.Devices is { Count: > 0 };

    public string Field(Resources r) => DeviceRules.Field;

    public void Apply(string dir, Resources r, ApplyContext ctx)
    {
        var rules = DeviceRules.For(r, ctx.Linux);
        ctx.Files.Write(dir, "devices.deny", "a", DeviceRules.Field);
        int specCount = r.Devices?.Count ?? 0;
        for (int i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            string field = i < specCount ? $"{DeviceRules.Field}[{i}]" : $"{DeviceRules.Field} (default rule \"{rule.V1Text}\")";
            ctx.Files.Write(dir, rule.Allow ? "devices.allow" : "devices.deny", rule.V1Text, field);
        }
    }

    public void Stats(string dir, CgroupStats stats, CgroupFiles files) { }
}
