using System.Buffers;
using System.Collections;
using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Process;

/// <summary>
/// Runs a program of the host (found through PATH when its name has no '/', as a shell would) with our
/// environment, stdin and stderr, and captures its standard output through a pipe.
/// posix_spawnp rather than System.Diagnostics.Process: that class brings its pipe streams, the socket
/// engine and a SIGCHLD handler into the binary, and their start-up cost into every verb.
/// </summary>
public static unsafe class HostCommand
{
    /// <summary>What the program printed on stdout (UTF-8), and how it ended: an exit code, or the signal that killed it.</summary>
    public readonly record struct Result(string Stdout, int ExitCode, int Signal);

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/> (argv[0] is the program's name) and waits for it.
    /// A program that cannot be started is a MyDockerException "<paramref name="what"/>: strerror".</summary>
    public static Result Run(string program, IReadOnlyList<string> args, string what)
    {
        var argv = new List<string>(args.Count + 1) { program };
        argv.AddRange(args);
        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) env.Add($"{e.Key}={e.Value}");

        using var native = new NativeStrings();
        int* pipe = stackalloc int[2];
        byte* actions = stackalloc byte[Libc.SpawnFileActionsSize];
        byte* attr = stackalloc byte[Libc.SpawnAttrSize];
        Libc.Check(Libc.Pipe2(pipe, Libc.O_CLOEXEC), "pipe2");
        int pid = 0;
        try
        {
            try
            {
                Libc.PosixSpawnFileActionsInit(actions);
                Libc.PosixSpawnFileActionsAddDup2(actions, pipe[1], 1);
                Libc.PosixSpawnAttrInit(attr);
                SpawnSignals.ResetIn(attr); // not .NET's ignored SIGPIPE
                int err = Libc.PosixSpawnP(&pid, native.String(program), actions, attr, native.Array(argv), native.Array(env));
                Libc.PosixSpawnAttrDestroy(attr);
                Libc.PosixSpawnFileActionsDestroy(actions);
                if (err != 0) throw new MyDockerException($"{what}: {Libc.StrError(err)}", err);
            }
            finally
            {
                Libc.Close(pipe[1]); // ours: the pipe ends when the program (and its children) close theirs
            }
            string stdout = ReadAll(pipe[0], what);
            int status;
            while (Libc.WaitPid(pid, &status, 0) < 0)
                if (Libc.LastErrno != Libc.EINTR) throw Libc.Fail($"{what}: waitpid");
            return new Result(stdout, (status >> 8) & 0xff, status & 0x7f);
        }
        finally
        {
            Libc.Close(pipe[0]);
        }
    }

    /// <summary>Everything a pipe gives until EOF, as UTF-8 (the caller closes <paramref name="fd"/>).</summary>
    public static string ReadAll(int fd, string what) => Encoding.UTF8.GetString(FdBytes.ReadAll(fd, $"{what}: reading its output"));
}
