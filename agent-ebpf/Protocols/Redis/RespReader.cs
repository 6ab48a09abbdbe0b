namespace OtlpGrains.Agent.Protocols.Redis;

/// <summary>
/// One direction's position inside a RESP2/RESP3 value tree, kept as a stack of element counts (no recursion),
/// plus what the current top-level value has shown so far.
/// </summary>
internal sealed class RespReader
{
    public const int MaxDepth = 32;

    private readonly long[] _remaining = new long[MaxDepth];
    private readonly bool[] _attribute = new bool[MaxDepth];

    public int Depth { get; private set; }

    /// <summary>Bytes of a bulk value (and its CRLF) still to skip.</summary>
    public long BlobRemaining { get; set; }

    public bool InMessage { get; set; }

    public long StartNs { get; set; }

    public byte TopType { get; set; }

    public bool AwaitingName { get; set; }

    public string? Name { get; set; }

    public bool IsError { get; set; }

    public string? ErrorCode { get; set; }

    public bool TryPush(long count, bool attribute)
    {
        if (Depth == MaxDepth)
        {
            return false;
        }

        _remaining[Depth] = count;
        _attribute[Depth] = attribute;
        Depth++;
        return true;
    }

    /// <summary>A value finished; returns true when that completed the top-level message.</summary>
    public bool ValueDone()
    {
        while (Depth > 0)
        {
            if (--_remaining[Depth - 1] > 0)
            {
                return false;
            }

            Depth--;
            if (_attribute[Depth])
            {
                // An attribute map only annotates the value after it: it does not count as a value itself.
                return false;
            }
        }

        return true;
    }

    public void Reset()
    {
        Depth = 0;
        BlobRemaining = 0;
        InMessage = false;
        TopType = 0;
        AwaitingName = false;
        Name = null;
        IsError = false;
        ErrorCode = null;
    }
}
