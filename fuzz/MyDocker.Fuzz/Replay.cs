using System.Runtime.InteropServices;

namespace MyDocker.Fuzz;

/// <summary>Runs a target once per file, outside afl-fuzz: to see what a crash input does, or check a corpus.</summary>
internal static class Replay
{
    public static unsafe int Files(Func<byte[], string?> target, IEnumerable<string> files)
    {
        // Instrumented assemblies write their edge counts here; afl-fuzz would give shared memory.
        SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(1 << 16);
        int findings = 0;
        foreach (string file in files)
        {
            try
            {
                string? error = target(File.ReadAllBytes(file));
                Console.WriteLine(error is null ? $"accepted {file}" : $"rejected {file}: {error}");
            }
            catch (Exception e)
            {
                findings++;
                Console.WriteLine($"FINDING  {file}");
                Console.WriteLine($"  {e.GetType().Name}: {Contract.Escape(e.Message)}");
                Console.WriteLine(e.StackTrace);
            }
        }
        return findings == 0 ? 0 : 1;
    }
}
