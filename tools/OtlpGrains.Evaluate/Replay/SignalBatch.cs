namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Items of one signal on their way into one export request, grouped by resource (service and pod) so that each
/// resource appears once in the request.
/// </summary>
internal abstract class SignalBatch<TResourceBlock>
    where TResourceBlock : class
{
    private readonly Dictionary<(string Service, string? Pod), TResourceBlock> _blocks = [];

    /// <summary>Items added since the last <see cref="Reset"/>.</summary>
    public int Count { get; private set; }

    protected IEnumerable<TResourceBlock> Blocks => _blocks.Values;

    public void Reset()
    {
        _blocks.Clear();
        Count = 0;
    }

    protected TResourceBlock BlockOf(string service, string? pod, Func<TResourceBlock> create)
    {
        if (!_blocks.TryGetValue((service, pod), out TResourceBlock? block))
        {
            block = create();
            _blocks.Add((service, pod), block);
        }

        return block;
    }

    protected void Counted(int items) => Count += items;
}
