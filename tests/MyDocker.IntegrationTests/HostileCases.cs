using System.Text;
using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// The table of <see cref="HostileInputTests"/>. Expected lines are what the runtime prints, with
/// {placeholders} (see <see cref="HostileCase"/>). Grouped: config.json text, config fields, symlinks
/// in the rootfs, container IDs, command lines, state directories, reused pids.
/// </summary>
public static class HostileCases
{
    private static string[] Create(HostileBed b) => ["create", "--bundle", b.Bundle, b.Id];
    private static string[] Delete(HostileBed b) => ["delete", "--force", b.Id];

    private static HostileCase Text(string name, string text, string stderr) =>
        new(name, b => b.RawConfig(text), Create, 1, stderr);

    private static HostileCase Field(string name, Action<JsonObject> edit, string stderr) =>
        new(name, b => b.Config(edit), Create, 1, stderr);

    private static JsonArray Arr(params JsonNode?[] items) => new(items);
    private static JsonArray Namespaces(JsonObject c) => c["linux"]!["namespaces"]!.AsArray();
    private static JsonArray Mounts(JsonObject c) => c["mounts"]!.AsArray();
    /// <summary>Without the /tmp tmpfs: a symlink aiming at our temp dir then resolves onto the rootfs itself, not onto a tmpfs.</summary>
    private static void NoTmpMount(JsonObject c)
    {
        var m = Mounts(c);
        foreach (var x in m.Where(x => x!["destination"]!.GetValue<string>() == "/tmp").ToList()) m.Remove(x);
    }

    public static readonly IReadOnlyList<HostileCase> All = Build();

    private static List<HostileCase> Build()
    {
        var cases = new List<HostileCase>
        {
            // ---- config.json as text
            new("config missing", null, Create, 1, "mydocker: config.json: not found in bundle {bundle}"),
            new("config is a directory", b => Directory.CreateDirectory(Path.Combine(b.Bundle, "config.json")), Create, 1,
                "mydocker: config.json: {bundle}/config.json is a directory"),
            Text("config empty", "", "mydocker: config.json: is empty"),
            Text("config only whitespace", " \n\t\n", "mydocker: config.json: is empty"),
            Text("config null", "null", "mydocker: config.json: expected an object"),
            Text("config an array", "[]", "mydocker: config.json: expected an object"),
            Text("config a string", "\"config\"", "mydocker: config.json: expected an object"),
            new("config truncated", b => { b.Config(); b.RawConfig(b.ConfigText()[..(b.ConfigText().Length / 2)]); }, Create, 1,
                "mydocker: config.json: invalid JSON at line 1, column {n}: unexpected end of data"),
            new("config with trailing garbage", b => { b.Config(); b.RawConfig(b.ConfigText() + " }x"); }, Create, 1,
                "mydocker: config.json: invalid JSON at line 1, column {n}: unexpected character '}'"),
            new("config not UTF-8", b => { b.Config(c => c["ociVersion"] = "1.0.X"); b.RawConfig(Encoding.UTF8.GetBytes(b.ConfigText()).Select(x => x == (byte)'X' ? (byte)0xFF : x).ToArray()); }, Create, 1,
                "mydocker: config.json: ociVersion: \"1.0.\uFFFD\" is not a SemVer version such as 1.2.0"),
            Text("config 10 MB of nesting", new string('[', 5_000_000) + new string(']', 5_000_000),
                "mydocker: config.json: invalid JSON at line 1, column 65: nested deeper than 64 levels"),
            new("config duplicate key, the last one counts", b => { b.Config(c => c["hostname"] = "DUP"); b.RawConfig(b.ConfigText().Replace("\"hostname\":\"DUP\"", "\"hostname\":\"ok\",\"hostname\":5")); }, Create, 1,
                "mydocker: config.json: hostname: expected a string"),

            // ---- config fields: wrong types and values
            Field("ociVersion missing", c => c.Remove("ociVersion"), "mydocker: config.json: ociVersion: is required"),
            Field("ociVersion not semver", c => c["ociVersion"] = "banana", "mydocker: config.json: ociVersion: \"banana\" is not a SemVer version such as 1.2.0"),
            Field("root missing", c => c.Remove("root"), "mydocker: config.json: root: is required"),
            Field("root a string", c => c["root"] = "rootfs", "mydocker: config.json: root: expected an object"),
            Field("root.path a file", c => c["root"]!["path"] = "sentinel", "mydocker: config.json: root.path: {bundle}/sentinel: no such directory"),
            Field("process.user.uid a string", c => c["process"]!["user"]!["uid"] = "0", "mydocker: config.json: process.user.uid: expected an integer from 0 to 4294967295"),
            Field("process.env with a number", c => c["process"]!["env"] = Arr(1), "mydocker: config.json: process.env[0]: expected a string"),
            Field("process.args empty", c => c["process"]!["args"] = Arr(), "mydocker: config.json: process.args: must not be empty"),
            Field("process.cwd relative", c => c["process"]!["cwd"] = "tmp", "mydocker: config.json: process.cwd: must be an absolute path, got \"tmp\""),
            Field("hostname a number", c => c["hostname"] = 5, "mydocker: config.json: hostname: expected a string"),
            Field("annotations with a number", c => c["annotations"] = new JsonObject { ["a"] = 1 }, "mydocker: config.json: annotations.a: expected a string"),
            Field("mounts an object", c => c["mounts"] = new JsonObject(), "mydocker: config.json: mounts: expected an array of objects"),
            Field("namespaces an object", c => c["linux"]!["namespaces"] = new JsonObject(), "mydocker: config.json: linux.namespaces: expected an array of objects"),
            Field("namespace type unknown", c => Namespaces(c).Add(new JsonObject { ["type"] = "bogus" }),
                "mydocker: config.json: linux.namespaces[5].type: unknown namespace type \"bogus\" (expected one of pid, network, mount, ipc, uts, user, cgroup, time)"),
            Field("namespace twice", c => Namespaces(c).Add(new JsonObject { ["type"] = "pid" }),
                "mydocker: config.json: linux.namespaces[5].type: duplicate namespace type \"pid\" (first at linux.namespaces[0])"),
            new("namespace path a plain file", b => b.Config(c => Namespaces(c)[1]!["path"] = Path.Combine(b.Bundle, "sentinel")), Create, 1,
                "mydocker: linux.namespaces: joining network namespace {bundle}/sentinel: Invalid argument"),
            Field("namespace path missing", c => Namespaces(c)[1]!["path"] = "/nonexistent/ns/net", "mydocker: linux.namespaces: network namespace path /nonexistent/ns/net: No such file or directory"),
            Field("hostname without uts namespace", c => Namespaces(c).Remove(Namespaces(c).First(n => n!["type"]!.GetValue<string>() == "uts")),
                "mydocker: config.json: hostname: needs a new uts namespace in linux.namespaces"),
            Field("mount destination relative", c => Mounts(c).Add(new JsonObject { ["destination"] = "relative/x", ["type"] = "tmpfs", ["source"] = "tmpfs" }),
                "mydocker: config.json: mounts[7].destination: must be an absolute path, got \"relative/x\""),
            Field("mount destination escapes with ..", c => Mounts(c).Add(new JsonObject { ["destination"] = "/../../x", ["type"] = "tmpfs", ["source"] = "tmpfs" }),
                "mydocker: mounts[7]: destination /../../x escapes the rootfs through \"..\""),
            Field("mount bind source missing", c => Mounts(c).Add(new JsonObject { ["destination"] = "/mnt", ["type"] = "bind", ["source"] = "/nonexistent/src", ["options"] = Arr("bind") }),
                "mydocker: mounts[7]: bind source /nonexistent/src: No such file or directory"),
            Field("mount type unknown", c => Mounts(c).Add(new JsonObject { ["destination"] = "/mnt", ["type"] = "nosuchfs", ["source"] = "x" }),
                "mydocker: mounts[7]: mount nosuchfs on /mnt (no flags): No such device"),
            Field("mount option unknown to tmpfs", c => Mounts(c).Add(new JsonObject { ["destination"] = "/mnt", ["type"] = "tmpfs", ["source"] = "tmpfs", ["options"] = Arr("bogus=1") }),
                "mydocker: mounts[7]: mount tmpfs on /mnt (no flags bogus=1): Invalid argument"),
            Field("uid mappings without user namespace", c => c["linux"]!["uidMappings"] = Arr(new JsonObject { ["containerID"] = 0, ["hostID"] = 1000, ["size"] = 1 }),
                "mydocker: config.json: linux.uidMappings: needs a user namespace in linux.namespaces"),
            Field("uid mapping size too big", c =>
                {
                    Namespaces(c).Add(new JsonObject { ["type"] = "user" });
                    c["linux"]!["uidMappings"] = Arr(new JsonObject { ["containerID"] = 0, ["hostID"] = 0, ["size"] = 4294967296L });
                    c["linux"]!["gidMappings"] = Arr(new JsonObject { ["containerID"] = 0, ["hostID"] = 0, ["size"] = 1 });
                }, "mydocker: config.json: linux.uidMappings[0].size: expected an integer from 0 to 4294967295"),
            Field("rlimit negative", c => c["process"]!["rlimits"] = Arr(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["hard"] = -1, ["soft"] = 1 }),
                "mydocker: config.json: process.rlimits[0].hard: expected an integer from 0 to 18446744073709551615"),
            Field("rlimit soft above hard", c => c["process"]!["rlimits"] = Arr(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["hard"] = 1, ["soft"] = 2 }),
                "mydocker: config.json: process.rlimits[0]: soft limit 2 is greater than hard limit 1"),
            Field("rlimit unknown", c => c["process"]!["rlimits"] = Arr(new JsonObject { ["type"] = "RLIMIT_BOGUS", ["hard"] = 1, ["soft"] = 1 }),
                "mydocker: config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_BOGUS\" (expected one of {any})"),
            Field("capability unknown", c => c["process"]!["capabilities"]!["bounding"]!.AsArray().Add("CAP_BOGUS"),
                "mydocker: config.json: process.capabilities.bounding[3]: unknown capability \"CAP_BOGUS\""),
            Field("seccomp action unknown", c => c["linux"]!["seccomp"] = new JsonObject { ["defaultAction"] = "SCMP_ACT_BOGUS" },
                "mydocker: config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BOGUS\" (expected one of {any})"),
            new("seccomp syscall unknown: a warning, and a container", b => b.Config(c => c["linux"]!["seccomp"] = new JsonObject
                {
                    ["defaultAction"] = "SCMP_ACT_ALLOW",
                    ["syscalls"] = Arr(new JsonObject { ["names"] = Arr("nosuchsyscall"), ["action"] = "SCMP_ACT_ERRNO" }),
                }), Create, 0, "mydocker: warning: linux.seccomp.syscalls[0].names[0]: unknown system call \"nosuchsyscall\" ignored (libseccomp {any})", Then: Delete),
            Field("sysctl not namespaced", c => c["linux"]!["sysctl"] = new JsonObject { ["vm.swappiness"] = "1" },
                "mydocker: linux.sysctl: \"vm.swappiness\" is not namespaced: refusing to change it for the host"),
            Field("sysctl unknown", c => c["linux"]!["sysctl"] = new JsonObject { ["kernel.bogus_not_there"] = "1" },
                "mydocker: linux.sysctl: \"kernel.bogus_not_there\" is not namespaced: refusing to change it for the host"),
            Field("hook path relative", c => c["hooks"] = new JsonObject { ["prestart"] = Arr(new JsonObject { ["path"] = "relative/hook" }) },
                "mydocker: config.json: hooks.prestart[0].path: must be an absolute path, got \"relative/hook\""),
            Field("hook path missing", c => c["hooks"] = new JsonObject { ["prestart"] = Arr(new JsonObject { ["path"] = "/nonexistent/hook" }) },
                "mydocker: hooks.prestart[0]: /nonexistent/hook: No such file or directory"),
            Field("device type unknown", c => c["linux"]!["devices"] = Arr(new JsonObject { ["path"] = "/dev/x", ["type"] = "z", ["major"] = 1, ["minor"] = 3 }),
                "mydocker: config.json: linux.devices[0].type: must be one of c, b, u, p, got \"z\""),
            Field("cgroupsPath the root", c => c["linux"]!["cgroupsPath"] = "/",
                "mydocker: linux.cgroupsPath: \"/\" is the root of the hierarchy; the container needs a cgroup of its own"),
            Field("cgroupsPath climbing to the root", c => c["linux"]!["cgroupsPath"] = "/a/../../..",
                "mydocker: linux.cgroupsPath: \"/a/../../..\" is the root of the hierarchy; the container needs a cgroup of its own"),
            Field("pids limit a string", c => c["linux"]!["resources"] = new JsonObject { ["pids"] = new JsonObject { ["limit"] = "many" } },
                "mydocker: config.json: linux.resources.pids.limit: expected a 64-bit integer"),
            Field("maskedPaths relative", c => c["linux"]!["maskedPaths"] = Arr("proc/kcore"), "mydocker: config.json: linux.maskedPaths[0]: must be an absolute path, got \"proc/kcore\""),

            // ---- symlinks in the rootfs that aim at the host: the runtime must stay inside the rootfs
            new("mount destination through an absolute symlink stays in the rootfs", b =>
                {
                    File.CreateSymbolicLink(Path.Combine(b.PrivateRootfs(), "evil"), b.Outside);
                    b.Config(c => { NoTmpMount(c); Mounts(c).Add(new JsonObject { ["destination"] = "/evil/newdir", ["type"] = "tmpfs", ["source"] = "tmpfs" }); });
                }, Create, 0, "", Then: Delete),
            new("bind onto a sentinel through an absolute symlink stays in the rootfs", b =>
                {
                    File.CreateSymbolicLink(Path.Combine(b.PrivateRootfs(), "evil"), b.Outside);
                    b.Config(c => { NoTmpMount(c); Mounts(c).Add(new JsonObject { ["destination"] = "/evil/sentinel", ["type"] = "bind", ["source"] = Path.Combine(b.Bundle, "sentinel"), ["options"] = Arr("bind") }); });
                }, Create, 0, "", Then: Delete),
            new("device node through an absolute symlink stays in the rootfs", b =>
                {
                    File.CreateSymbolicLink(Path.Combine(b.PrivateRootfs(), "evil"), b.Outside);
                    b.Config(c => { NoTmpMount(c); c["linux"]!["devices"] = Arr(new JsonObject { ["path"] = "/evil/null2", ["type"] = "c", ["major"] = 1, ["minor"] = 3 }); });
                }, Create, 0, "", Then: Delete),
            new("mount destination through a relative symlink out of the rootfs is refused", b =>
                {
                    File.CreateSymbolicLink(Path.Combine(b.PrivateRootfs(), "evil"), "../../../../../../.." + b.Outside);
                    b.Config(c => { NoTmpMount(c); Mounts(c).Add(new JsonObject { ["destination"] = "/evil/newdir", ["type"] = "tmpfs", ["source"] = "tmpfs" }); });
                }, Create, 1, "mydocker: mounts[6]: destination /evil/newdir escapes the rootfs through symlink /evil"),

            // ---- container IDs
            new("ID empty", b => b.Config(), b => ["create", "--bundle", b.Bundle, ""], 1, "mydocker: container ID must not be empty: use 1 to 255 letters, digits and _+-. (not \".\" or \"..\")"),
            new("ID .", b => b.Config(), b => ["create", "--bundle", b.Bundle, "."], 1, "mydocker: invalid container ID \".\": use 1 to 255 letters, digits and _+-. (not \".\" or \"..\")"),
            new("ID with a newline", b => b.Config(), b => ["create", "--bundle", b.Bundle, b.Id + "\nx"], 1,
                "mydocker: invalid container ID \"{id}\\x0ax\": use 1 to 255 letters, digits and _+-. (not \".\" or \"..\")"),
            new("ID with a space", b => b.Config(), b => ["create", "--bundle", b.Bundle, b.Id + " x"], 1,
                "mydocker: invalid container ID \"{id} x\": use 1 to 255 letters, digits and _+-. (not \".\" or \"..\")"),
            new("ID not ASCII", b => b.Config(), b => ["create", "--bundle", b.Bundle, b.Id + "é"], 1,
                "mydocker: invalid container ID \"{id}é\": use 1 to 255 letters, digits and _+-. (not \".\" or \"..\")"),
            new("ID of state with a slash", null, b => ["state", "a/" + b.Id], 1, "mydocker: invalid container ID \"a/{id}\": use 1 to 255 letters, digits and _+-. (not \".\" or \"..\")"),
            new("ID of delete --force climbing out", null, b => ["delete", "--force", "../" + Path.GetFileName(b.Dir)], 1,
                "mydocker: invalid container ID \"../{dirname}\": use 1 to 255 letters, digits and _+-. (not \".\" or \"..\")"),

            // ---- command lines
            new("unknown verb", null, b => ["frobnicate", b.Id], 1, "mydocker: unknown command \"frobnicate\" (see mydocker help)"),
            new("unknown global flag", null, b => ["--bogus", "state", b.Id], 2, "mydocker: unknown global flag --bogus"),
            new("global --root without a value", null, b => ["--root"], 2, "mydocker: flag --root needs a value"),
            new("bad --log-format", null, b => ["--log-format", "xml", "state", b.Id], 2, "mydocker: --log-format: unknown format \"xml\" (want text or json)"),
            new("unknown flag of delete", null, b => ["delete", "--bogus", b.Id], 1, "mydocker: delete: unknown flag --bogus"),
            new("create flag without its value", null, b => ["create", "--bundle"], 1, "mydocker: flag --bundle needs a value"),
            new("create with two IDs", b => b.Config(), b => ["create", "--bundle", b.Bundle, b.Id, "second"], 1, "mydocker: create: unexpected argument \"second\""),
            new("start without an ID", null, b => ["start"], 1, "mydocker: start: missing container ID"),
            new("--bundle a file", null, b => ["create", "--bundle", Path.Combine(b.Bundle, "sentinel"), b.Id], 1, "mydocker: bundle {bundle}/sentinel: no such directory"),
            new("--console-socket a plain file", b => b.Config(), b => ["create", "--bundle", b.Bundle, "--console-socket", Path.Combine(b.Bundle, "sentinel"), b.Id], 1,
                "mydocker: console socket {bundle}/sentinel: connect: Connection refused"),
            new("--console-socket missing", b => b.Config(), b => ["create", "--bundle", b.Bundle, "--console-socket", Path.Combine(b.Dir, "nosock"), b.Id], 1,
                "mydocker: console socket {dir}/nosock: connect: No such file or directory"),
            new("--preserve-fds not a number", b => b.Config(), b => ["create", "--bundle", b.Bundle, "--preserve-fds", "many", b.Id], 1, "mydocker: create: --preserve-fds \"many\": expected a number"),
            new("exec --process with broken JSON", b => File.WriteAllText(Path.Combine(b.Dir, "process.json"), "{\"args\": [\"true\""),
                b => ["exec", "--process", Path.Combine(b.Dir, "process.json"), b.Id], 1, "mydocker: process.json: invalid JSON at line 1, column 17: unexpected end of data"),
            new("kill with signal 0", b => b.CreateContainer(), b => ["kill", b.Id, "0"], 1, "mydocker: invalid signal \"0\""),
            new("kill with signal 65", b => b.CreateContainer(), b => ["kill", b.Id, "65"], 1, "mydocker: invalid signal \"65\""),
            new("kill with signal SIGKILLX", b => b.CreateContainer(), b => ["kill", b.Id, "SIGKILLX"], 1, "mydocker: invalid signal \"SIGKILLX\""),
            new("update --resources garbage", b => { b.CreateContainer(); File.WriteAllText(Path.Combine(b.Dir, "res.json"), "garbage"); },
                b => ["update", "--resources", Path.Combine(b.Dir, "res.json"), b.Id], 1, "mydocker: res.json: invalid JSON at line 1, column 1: unexpected character 'g'"),
            new("update --resources of the wrong shape", b => { b.CreateContainer(); File.WriteAllText(Path.Combine(b.Dir, "res.json"), "{\"memory\": {\"limit\": \"lots\"}}"); },
                b => ["update", "--resources", Path.Combine(b.Dir, "res.json"), b.Id], 1, "mydocker: res.json: memory.limit: expected a 64-bit integer"),

            // ---- state directories: broken, forged, half there
            new("state of a truncated state.json", b => { b.Config(); b.FakeState(b.Record(0, 0)[..60]); }, b => ["state", b.Id], 1,
                "mydocker: container \"{id}\": corrupt {state}/state.json: the JSON ends too early, after 60 bytes (truncated?)"),
            new("kill of a garbage state.json", b => b.FakeState("garbage\n"), b => ["kill", b.Id, "KILL"], 1,
                "mydocker: container \"{id}\": corrupt {state}/state.json: invalid JSON at line 1, column 1"),
            new("start of an empty state.json", b => b.FakeState(""), b => ["start", b.Id], 1,
                "mydocker: container \"{id}\": corrupt {state}/state.json: the file is empty"),
            new("state of {} has no id", b => b.FakeState("{}"), b => ["state", b.Id], 1,
                "mydocker: container \"{id}\": corrupt {state}/state.json: id: missing"),
            new("state of another container's state.json", b => b.FakeState(b.Record(0, 0).Replace(b.Id, "someoneelse")), b => ["state", b.Id], 1,
                "mydocker: container \"{id}\": corrupt {state}/state.json: id: \"someoneelse\", not \"{id}\""),
            new("exec with a pid of the wrong type", b => b.FakeState(b.Record(0, 0).Replace("\"pid\":0", "\"pid\":\"12\"")), b => ["exec", b.Id, "true"], 1,
                "mydocker: container \"{id}\": corrupt {state}/state.json: pid: expected an integer from 0 to 2147483647"),
            new("kill --all with a negative pid", b => b.FakeState(b.Record(-1, 0)), b => ["kill", "--all", b.Id, "KILL"], 1,
                "mydocker: container \"{id}\": corrupt {state}/state.json: pid: expected an integer from 0 to {n}"),
            new("state dir without state.json", b => Directory.CreateDirectory(b.StateDir), b => ["state", b.Id], 1, "mydocker: container \"{id}\" does not exist"),
            new("delete --force of a state dir without state.json", b => Directory.CreateDirectory(b.StateDir), Delete, 0, "", After.Restored),
            new("delete --force of a truncated state.json", b => b.FakeState(b.Record(0, 0)[..60]), Delete, 0,
                "mydocker: warning: container \"{id}\": corrupt {state}/state.json: the JSON ends too early, after 60 bytes (truncated?); deleted with what could be read from it", After.Restored),
            new("delete --force of a garbage state.json", b => b.FakeState("\u0001\u0002 garbage"), Delete, 0,
                "mydocker: warning: container \"{id}\": corrupt {state}/state.json: invalid JSON at line 1, column 1; deleted with what could be read from it", After.Restored),
            new("delete --force of a live container whose state.json lost its end", b =>
                {
                    b.CreateContainer();
                    string text = File.ReadAllText(b.StateFile);
                    File.WriteAllText(b.StateFile, text[..text.IndexOf(",\"mountsInHostNamespace\"", StringComparison.Ordinal)]);
                }, Delete, 0, "mydocker: warning: container \"{id}\": corrupt {state}/state.json: the JSON ends too early, after {n} bytes (truncated?); deleted with what could be read from it", After.Restored),
            new("state of a live container with a garbage state.json changes nothing", b => { b.CreateContainer(); File.WriteAllText(b.StateFile, "garbage"); },
                b => ["state", b.Id], 1, "mydocker: container \"{id}\": corrupt {state}/state.json: invalid JSON at line 1, column 1"),
            new("exec in a live container without config.json", b => { b.CreateContainer(); File.Delete(Path.Combine(b.StateDir, "config.json")); },
                b => ["exec", b.Id, "true"], 1, "mydocker: container \"{id}\": {state}/config.json is missing"),
            new("delete --force of a live container without config.json, with a poststop hook", b =>
                {
                    b.CreateContainer(c => c["hooks"] = new JsonObject { ["poststop"] = Arr(new JsonObject { ["path"] = "/bin/true" }) });
                    File.Delete(Path.Combine(b.StateDir, "config.json"));
                }, Delete, 0, "mydocker: warning: container \"{id}\": {state}/config.json is missing: poststop hooks not run", After.Restored),
            new("delete --force of a state.json symlinked to a sentinel", b =>
                {
                    Directory.CreateDirectory(b.StateDir);
                    File.CreateSymbolicLink(b.StateFile, Path.Combine(b.Outside, "sentinel"));
                }, Delete, 0, "mydocker: warning: container \"{id}\": corrupt {state}/state.json: invalid JSON at line 1, column 1; deleted with what could be read from it", After.Restored),
            new("delete --force of a state dir symlinked to a directory of the host", b =>
                {
                    File.CreateSymbolicLink(b.StateDir, b.Outside);
                }, Delete, 0, "", After.Restored, Check: (b, _) => Assert.True(File.Exists(Path.Combine(b.Outside, "sentinel")))),

            // ---- reused pids: state.json names a live, unrelated process with another start time
            new("state when the pid was reused says stopped", b => b.FakeState(b.Record(b.Unrelated.Pid, 1)), b => ["state", b.Id], 0, "",
                Check: (b, r) => { Assert.Contains("\"status\": \"stopped\"", r.Stdout); Assert.Contains("\"pid\": 0", r.Stdout); }),
            new("kill when the pid was reused is refused", b => b.FakeState(b.Record(b.Unrelated.Pid, 1)), b => ["kill", b.Id, "KILL"], 1,
                "mydocker: cannot kill container \"{id}\": container not running (it is stopped)"),
            // --all of a stopped container whose cgroup is gone succeeds, as runc's (containerd sends it
            // after every exit); it signals the cgroup's processes, never the reused pid.
            new("kill --all when the pid was reused signals no one", b => b.FakeState(b.Record(b.Unrelated.Pid, 1)), b => ["kill", "--all", b.Id, "KILL"], 0, "",
                Check: (b, _) => Assert.True(File.Exists($"/proc/{b.Unrelated.Pid}/stat") && !File.ReadAllText($"/proc/{b.Unrelated.Pid}/stat").Contains(") Z"), "the unrelated process was killed")),
            new("start when the pid was reused is refused", b => b.FakeState(b.Record(b.Unrelated.Pid, 1), fifo: true), b => ["start", b.Id], 1,
                "mydocker: cannot start container \"{id}\": it is stopped, not created"),
            new("exec when the pid was reused is refused", b => b.FakeState(b.Record(b.Unrelated.Pid, 1)), b => ["exec", b.Id, "true"], 1,
                "mydocker: cannot exec in container \"{id}\": it is stopped"),
            new("pause when the pid was reused is refused", b => b.FakeState(b.Record(b.Unrelated.Pid, 1)), b => ["pause", b.Id], 1,
                "mydocker: cannot pause container \"{id}\": it is stopped, not running"),
            new("update when the pid was reused is refused", b => b.FakeState(b.Record(b.Unrelated.Pid, 1)), b => ["update", "--pids-limit", "10", b.Id], 1,
                "mydocker: cannot update container \"{id}\": it is stopped"),
            new("delete when the pid was reused removes the state only", b => b.FakeState(b.Record(b.Unrelated.Pid, 1)), b => ["delete", b.Id], 0, "", After.Restored),
            new("delete --force when the pid was reused removes the state only", b => b.FakeState(b.Record(b.Unrelated.Pid, 1), fifo: true), Delete, 0, "", After.Restored),
            new("delete --force when the pid was reused and its start time is missing", b => b.FakeState(b.Record(b.Unrelated.Pid, 0).Replace(",\"pidStartTime\":0", "")), Delete, 0, "", After.Restored),
        };
        return cases;
    }
}
