using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;
using MyDocker.Runtime.Lifecycle;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Hooks;

/// <summary>
/// config.md "POSIX-platform Hooks": runs one hook — path, args (args[0] is argv[0], execv-style),
/// env (exactly as given), timeout in seconds — with the container's state JSON on its stdin.
/// posix_spawn rather than System.Diagnostics.Process: the spec's argv[0] must be passed as given.
///
/// A hook starts as a program started by a shell would: every signal at its default disposition (.NET
/// ignores SIGPIPE, and an ignored signal stays ignored across execve) and none blocked. It leads a
/// process group of its own, so a timed-out hook is killed together with everything it started.
/// </summary>
public static unsafe class HookRunner
{
    /// <summary>Runs every hook of one stage in order; the first failure throws (callers that only warn catch it).</summary>
    public static void RunAll(string stage, List<Hook>? hooks, string stateJson)
    {
        if (hooks == null) return;
        for (int i = 0; i < hooks.Count; i++) Run($"hooks.{stage}[{i}]", hooks[i], stateJson);
    }

    public static void Run(string what, Hook hook, string stateJson)
    {
        var args = hook.Args is { Count: > 0 } a ? a : [hook.Path];
        var env = hook.Env ?? new List<string>();
        using var native = new NativeStrings();
        int* pipe = stackalloc int[2];
        byte* actions = stackalloc byte[Libc.SpawnFileActionsSize];
        byte* attr = stackalloc byte[Libc.SpawnAttrSize];
        Libc.Check(Libc.Pipe2(pipe, Libc.O_CLOEXEC), "pipe2");
        int pid = 0;
        try
        {
            Libc.PosixSpawnFileActionsInit(actions);
            Libc.PosixSpawnFileActionsAddDup2(actions, pipe[0], 0);
            Libc.PosixSpawnAttrInit(attr);
            SpawnSignals.ResetIn(attr, Libc.POSIX_SPAWN_SETPGROUP);
            Libc.PosixSpawnAttrSetPGroup(attr, 0); // a new group, its id the hook's pid
            int err = Libc.PosixSpawn(&pid, native.String(hook.Path), actions, attr, native.Array(args), native.Array(env));
            Libc.PosixSpawnAttrDestroy(attr);
            Libc.PosixSpawnFileActionsDestroy(actions);
            if (err != 0) throw new MyDockerException($"{what}: {hook.Path}: {Libc.StrError(err)}", err);
        }
        finally
        {
            Libc.Close(pipe[0]);
        }

        WriteState(pipe[1], stateJson);
        Libc.Close(pipe[1]);
        int status = Wait(pid, hook.Timeout, what, hook.Path);
        int sig = status & 0x7f;
        if (sig != 0) throw new MyDockerException($"{what}: {hook.Path} was killed by signal {sig}");
        int code = (status >> 8) & 0xff;
        if (code != 0) throw new MyDockerException($"{what}: {hook.Path} exited with status {code}");
    }

    /// <summary>A hook that does not read its stdin must not block us: a full pipe is simply abandoned.</summary>
    private static void WriteState(int fd, string stateJson)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(stateJson);
        Libc.Fcntl(fd, Libc.F_SETFL, Libc.O_NONBLOCK);
        fixed (byte* p = bytes)
        {
            int off = 0;
            while (off < bytes.Length)
            {
                nint n = Libc.Write(fd, p + off, bytes.Length - off);
                if (n <= 0) break; // EPIPE (hook exited) or EAGAIN (hook not reading)
                off += (int)n;
            }
        }
    }

    private static int Wait(int pid, int? timeoutSeconds, string what, string path)
    {
        int status;
        if (timeoutSeconds is not int seconds)
        {
            while (Libc.WaitPid(pid, &status, 0) < 0 && Libc.LastErrno == Libc.EINTR) { }
            return status;
        }
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            int r = Libc.WaitPid(pid, &status, Libc.WNOHANG);
            if (r == pid) return status;
            if (r < 0 && Libc.LastErrno != Libc.EINTR) throw Libc.Fail($"{what}: waitpid");
            if (DateTime.UtcNow >= deadline)
            {
                KillGroup(pid);
                throw new MyDockerException($"{what}: {path} timed out after {seconds}s");
            }
            Thread.Sleep(5);
        }
    }

    /// <summary>
    /// SIGKILL to the hook's whole process group (its id is the hook's pid), the hook reaped, then again
    /// until no member is left. The first kill comes while the hook is not reaped, so its pid, the group's
    /// id, cannot have been reused. A process that left the group (setsid, setpgid) is out of reach.
    /// Meanwhile we are a child subreaper: the members the dying hook orphans become our children and
    /// we reap them, instead of waiting for whoever is PID 1 to get round to it (nothing else in
    /// MyDocker makes us a subreaper, so the flag is simply cleared after).
    /// </summary>
    private static void KillGroup(int pgid)
    {
        int status;
        Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        try
        {
            Libc.Kill(-pgid, Signals.SIGKILL);
            while (Libc.WaitPid(pgid, &status, 0) < 0 && Libc.LastErrno == Libc.EINTR) { }
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (Libc.Kill(-pgid, Signals.SIGKILL) == 0 && DateTime.UtcNow < deadline)
            {
                while (Libc.WaitPid(-pgid, &status, Libc.WNOHANG) > 0) { }
                Thread.Sleep(1);
            }
        }
        finally
        {
            Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
        }
    }
}
