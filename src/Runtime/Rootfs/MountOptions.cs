using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// The options of one mounts[] entry (config.md "Mounts", options as in mount(8)), split into
/// what mount(2) wants: flag bits, the propagation changes (each needs its own mount(2) call),
/// and a data string for the filesystem (e.g. "size=65536k,mode=755").
/// </summary>
public sealed class MountOptions
{
    /// <summary>MS_* bits for the mount(2) call (MS_BIND and MS_REC included for bind/rbind).</summary>
    public ulong Flags { get; private set; }

    /// <summary>Propagation changes in the order given, e.g. [MS_PRIVATE|MS_REC] for "rprivate".</summary>
    public List<ulong> Propagation { get; } = new();

    /// <summary>Filesystem-specific options, comma-joined; "" when there are none.</summary>
    public string Data { get; private set; } = "";

    public bool IsBind => (Flags & MS_BIND) != 0;

    /// <summary>
    /// True when a bind mount needs the second MS_REMOUNT|MS_BIND call: the kernel ignores
    /// ro, nosuid, nodev, noexec and the atime flags on the first bind call.
    /// </summary>
    public bool BindNeedsRemount => (Flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) != 0;

    // option -> (clear?, flag). A "clear" option undoes its flag, so "ro,rw" ends up read-write.
    private static readonly Dictionary<string, (bool Clear, ulong Flag)> FlagOptions = new()
    {
        ["defaults"] = (false, 0),
        ["ro"] = (false, MS_RDONLY), ["rw"] = (true, MS_RDONLY),
        ["nosuid"] = (false, MS_NOSUID), ["suid"] = (true, MS_NOSUID),
        ["nodev"] = (false, MS_NODEV), ["dev"] = (true, MS_NODEV),
        ["noexec"] = (false, MS_NOEXEC), ["exec"] = (true, MS_NOEXEC),
        ["sync"] = (false, MS_SYNCHRONOUS), ["async"] = (true, MS_SYNCHRONOUS),
        ["dirsync"] = (false, MS_DIRSYNC),
        ["remount"] = (false, MS_REMOUNT),
        ["mand"] = (false, MS_MANDLOCK), ["nomand"] = (true, MS_MANDLOCK),
        ["noatime"] = (false, MS_NOATIME), ["atime"] = (true, MS_NOATIME),
        ["nodiratime"] = (false, MS_NODIRATIME), ["diratime"] = (true, MS_NODIRATIME),
        ["relatime"] = (false, MS_RELATIME), ["norelatime"] = (true, MS_RELATIME),
        ["strictatime"] = (false, MS_STRICTATIME), ["nostrictatime"] = (true, MS_STRICTATIME),
        ["lazytime"] = (false, MS_LAZYTIME), ["nolazytime"] = (true, MS_LAZYTIME),
        ["nosymfollow"] = (false, MS_NOSYMFOLLOW), ["symfollow"] = (true, MS_NOSYMFOLLOW),
        ["bind"] = (false, MS_BIND),
        ["rbind"] = (false, MS_BIND | MS_REC),
    };

    /// <summary>Every option name Parse understands as a flag (the rest goes to the data string), for `features`.</summary>
    public static IEnumerable<string> KnownFlagOptions => FlagOptions.Keys.Concat(PropagationOptions.Keys).Append("tmpcopyup");

    /// <summary>The propagation types by name, shared with linux.rootfsPropagation.</summary>
    public static readonly IReadOnlyDictionary<string, ulong> PropagationOptions = new Dictionary<string, ulong>
    {
        ["private"] = MS_PRIVATE, ["rprivate"] = MS_PRIVATE | MS_REC,
        ["shared"] = MS_SHARED, ["rshared"] = MS_SHARED | MS_REC,
        ["slave"] = MS_SLAVE, ["rslave"] = MS_SLAVE | MS_REC,
        ["unbindable"] = MS_UNBINDABLE, ["runbindable"] = MS_UNBINDABLE | MS_REC,
    };

    /// <summary>
    /// Parses an options list. <paramref name="what"/> names the entry in errors, e.g. "mounts[2]".
    /// </summary>
    public static MountOptions Parse(IEnumerable<string>? options, string what = "mount")
    {
        var result = new MountOptions();
        var data = new List<string>();
        foreach (string option in options ?? [])
        {
            if (FlagOptions.TryGetValue(option, out var f))
            {
                result.Flags = f.Clear ? result.Flags & ~f.Flag : result.Flags | f.Flag;
            }
            else if (PropagationOptions.TryGetValue(option, out ulong p))
            {
                result.Propagation.Add(p);
            }
            else if (option == "tmpcopyup")
            {
                // tmpcopyup (a runc extension: copy the image's files into a new tmpfs) is not
                // implemented; the tmpfs starts empty, which is what the spec itself describes.
            }
            else if (option is "idmap" or "ridmap")
            {
                throw new MyDockerException($"{what}: option {option} (id-mapped mounts) is not supported");
            }
            else if (option.Length > 0)
            {
                data.Add(option); // filesystem-specific: size=65536k, mode=755, newinstance, gid=5...
            }
        }
        result.Data = string.Join(",", data);
        return result;
    }
}
