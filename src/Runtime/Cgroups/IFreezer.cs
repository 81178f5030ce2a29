namespace MyDocker.Runtime.Cgroups;

/// <summary>Pause/resume of a cgroup: v1 freezer.state, or v2 cgroup.freeze.</summary>
public interface IFreezer
{
    void Freeze(string dir, CgroupFiles f);
    void Thaw(string dir, CgroupFiles f);
    bool IsFrozen(string dir, CgroupFiles f);
}
