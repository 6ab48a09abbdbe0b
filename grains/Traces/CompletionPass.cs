namespace OtlpGrains.Grains.Traces;

/// <summary>
/// What one pass of a trace shard over its completed traces (a sweep, an early completion, or the drain when the
/// silo stops) did, and which calls it still makes. After the first failed p99 lookup or store write, the pass stops
/// making that call: the cause (a grain or the database away) outlasts the pass, and waiting once per trace would
/// hold the shard for minutes.
/// </summary>
internal sealed class CompletionPass
{
    private CompletionPass(bool askP99, bool store)
    {
        AskP99 = askP99;
        Store = store;
    }

    /// <summary>Whether a p99 not in the cache is asked of the service grain; otherwise the trace is judged without it.</summary>
    public bool AskP99 { get; private set; }

    /// <summary>Whether kept traces are written to the store; otherwise they are counted as not stored.</summary>
    public bool Store { get; private set; }

    public int Completed { get; set; }

    public int Kept { get; set; }

    public int Stored { get; set; }

    /// <summary>Kept traces that were not stored: the write failed or was not tried.</summary>
    public int NotStored { get; set; }

    /// <summary>Traces judged without their root operation's p99 (never slow): the lookup failed or was not tried.</summary>
    public int WithoutP99 { get; set; }

    /// <summary>The first failure's message, for the log line.</summary>
    public string? Failure { get; private set; }

    public bool Lost => NotStored > 0 || WithoutP99 > 0;

    /// <summary>Nothing done yet and no calls to make: a sum of passes to come.</summary>
    public static CompletionPass Total() => new(askP99: false, store: false);

    /// <summary>A pass while the silo runs: every call is tried.</summary>
    public static CompletionPass Running() => new(askP99: true, store: true);

    /// <summary>
    /// The drain of a stopping silo: grain calls are tried only if another silo can take them, and the store only if
    /// writing it needs no grain call or another silo can take that.
    /// </summary>
    public static CompletionPass Stopping(bool peersActive, bool storeNeedsGrains) =>
        new(askP99: peersActive, store: peersActive || !storeNeedsGrains);

    public void P99Failed(Exception exception)
    {
        WithoutP99++;
        AskP99 = false;
        Failure ??= exception.Message;
    }

    public void StoreFailed(Exception exception)
    {
        NotStored++;
        Store = false;
        Failure ??= exception.Message;
    }

    /// <summary>Back to nothing done, once reported.</summary>
    public void Clear()
    {
        Completed = Kept = Stored = NotStored = WithoutP99 = 0;
        Failure = null;
    }

    /// <summary>Adds another pass's counts to this one (a shard's unreported passes, a silo's drains).</summary>
    public void Add(CompletionPass other)
    {
        Completed += other.Completed;
        Kept += other.Kept;
        Stored += other.Stored;
        NotStored += other.NotStored;
        WithoutP99 += other.WithoutP99;
        Failure ??= other.Failure;
    }
}
