using MyDocker.Fuzz;

// MyDocker.Fuzz config|state            one input on stdin; under afl-fuzz, the fork server (SharpFuzz)
// MyDocker.Fuzz config|state FILE...    replay: each file once, one line per file, exit 1 on a finding
// A finding is any exception the target lets out (see Contract); SharpFuzz reports it to afl-fuzz as a crash.

if (args.Length == 0 || Targets.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine($"usage: MyDocker.Fuzz {string.Join("|", Targets.Names)} [FILE...]");
    return 2;
}
if (args.Length == 1)
{
    // Out of process: a stack overflow or a timeout kills only the child, and afl-fuzz records it.
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream => { target(ReadAll(stream)); });
    return 0;
}
return Replay.Files(target, args[1..]);

static byte[] ReadAll(Stream stream)
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    return buffer.ToArray();
}
