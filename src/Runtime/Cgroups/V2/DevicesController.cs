using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Cgroups.V2.Devices;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V2;

/// <summary>
/// cgroup v2 device access control (cgroup-v2.rst "Device controller"): there are no files; the
/// rules of <see cref="DeviceRules.For"/> become an eBPF program (<see cref="DeviceFilter"/>) attached
/// to the cgroup (<see cref="DeviceProgram"/>, through <see cref="CgroupFiles.AttachDeviceFilter"/> so
/// tests on a plain directory tree can see it). Works in any v2 cgroup, controllers or not.
/// </summary>
public sealed class DevicesController : ICgroupController
{
    public string Name => "devices";

    public bool IsSet(Resources r) => r.Devices is { Count: > 0 };

    public string Field(Resources r) => DeviceRules.Field;

    public void Apply(string dir, Resources r, ApplyContext ctx) =>
        ctx.Files.AttachDeviceFilter(dir, DeviceFilter.Build(DeviceRules.For(r, ctx.Linux)), DeviceRules.Field);

    public void Stats(string dir, CgroupStats stats, CgroupFiles files) { }
}
