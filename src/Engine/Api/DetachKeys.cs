using MyDocker.Spec;

namespace MyDocker.Engine.Api;

/// <summary>
/// Docker's detach keys ("ctrl-p,ctrl-q" by default): a sequence typed on an attached stdin that
/// leaves the container running and ends the attach. <see cref="Scan"/> passes every other byte on,
/// holding back a prefix of the sequence until it knows whether the sequence is being typed.
/// </summary>
public sealed class DetachKeys
{
    /// <summary>Docker's default: Ctrl-P then Ctrl-Q.</summary>
    public const string Default = "ctrl-p,ctrl-q";

    private readonly byte[] _sequence;
    private int _matched;

    public DetachKeys(string spec) => _sequence = Parse(spec);

    public static byte[] Parse(string spec)
    {
        var bytes = new List<byte>();
        foreach (string key in spec.Split(','))
        {
            string k = key.Trim().ToLowerInvariant();
            if (k.Length == 1) bytes.Add((byte)k[0]);
            else if (k.StartsWith("ctrl-", StringComparison.Ordinal) && k.Length == 6)
            {
                char c = k[5];
                if (c is >= 'a' and <= 'z') bytes.Add((byte)(c - 'a' + 1));
                else if (c is '@' or '[' or '\\' or ']' or '^' or '_') bytes.Add((byte)(c - '@'));
                else throw ApiException.BadRequest($"invalid detach key {MessageText.Quote(key)}");
            }
            else throw ApiException.BadRequest($"invalid detach keys {MessageText.Quote(spec)}: use e.g. ctrl-p,ctrl-q or ctrl-a,x");
        }
        return bytes.ToArray();
    }

    /// <summary>The bytes to forward from <paramref name="input"/>; <paramref name="detach"/> is true once the whole sequence was typed.</summary>
    public byte[] Scan(ReadOnlySpan<byte> input, out bool detach)
    {
        var output = new List<byte>(input.Length);
        detach = false;
        foreach (byte b in input)
        {
            if (b == _sequence[_matched])
            {
                if (++_matched == _sequence.Length) { detach = true; return output.ToArray(); }
                continue;
            }
            // Not the sequence after all: the bytes held back go through, then this one is looked at afresh.
            output.AddRange(_sequence.AsSpan(0, _matched).ToArray());
            _matched = 0;
            if (b == _sequence[0]) _matched = 1; else output.Add(b);
        }
        return output.ToArray();
    }
}
