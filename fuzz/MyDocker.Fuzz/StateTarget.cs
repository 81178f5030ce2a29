using System.Text.Json;
using MyDocker.Runtime.State;

namespace MyDocker.Fuzz;

/// <summary>
/// state.json as StateStore.Load reads it: ContainerRecordJson.Read on the file's bytes. Rejection
/// must be a JsonException (StateStore turns it into one line "container "id": corrupt FILE: ...").
/// A record that reads is written back by the verbs that update it (StateStore.Save): writing it
/// and reading that again must give the same bytes.
/// </summary>
internal static class StateTarget
{
    public static string? Run(byte[] input)
    {
        ContainerRecord record;
        try
        {
            record = ContainerRecordJson.Read(input);
        }
        catch (JsonException e)
        {
            Contract.OneLine(e);
            return e.Message;
        }

        byte[] saved = ContainerRecordJson.Write(record);
        byte[] again;
        try
        {
            again = ContainerRecordJson.Write(ContainerRecordJson.Read(saved));
        }
        catch (JsonException e)
        {
            throw new FuzzFinding($"a record does not read back after it is saved: {e.Message}", e);
        }
        if (!saved.AsSpan().SequenceEqual(again))
            throw new FuzzFinding("a record reads back different from what was saved");
        return null;
    }
}
