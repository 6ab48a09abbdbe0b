namespace OtlpGrains.Models.Logs;

/// <summary>
/// The parameters of a <see cref="LogTemplateMiner"/>. One set serves every service and every system of the Loghub
/// evaluation; the bounds keep one service's miner small whatever its logs look like.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.logs.LogMinerOptions")]
public sealed record LogMinerOptions
{
    /// <summary>The defaults.</summary>
    public static readonly LogMinerOptions Default = new();

    /// <summary>Templates handed out; lines that would need more go to <see cref="LogTemplateMiner.OtherId"/>. Default: 1000.</summary>
    [Id(0)] public int MaxTemplates { get; init; } = 1000;

    /// <summary>
    /// Leading tokens the parse tree routes on below the token count (Drain's depth minus two). Default: 2.
    /// </summary>
    [Id(1)] public int RouteTokens { get; init; } = 2;

    /// <summary>
    /// Share of a template's positions a line must match exactly (wildcards do not count) to join it. Default: 0.5.
    /// </summary>
    [Id(2)] public double Similarity { get; init; } = 0.5;

    /// <summary>Children of one tree node; further distinct tokens share a wildcard child. Default: 100.</summary>
    [Id(3)] public int MaxChildren { get; init; } = 100;

    /// <summary>Tokens of a line; the rest of a longer line becomes one last wildcard. Default: 64.</summary>
    [Id(4)] public int MaxTokens { get; init; } = 64;

    /// <summary>Characters of one token; a longer token is a wildcard. Default: 512.</summary>
    [Id(5)] public int MaxTokenChars { get; init; } = 512;

    /// <summary>
    /// Characters of all template texts together; beyond, new lines go to <c>other</c>. It caps a miner's heap at about
    /// 1 MB even when every template is long (1,000 Loghub-like templates take about 65,000). Default: 131072.
    /// </summary>
    [Id(6)] public int MaxTemplateChars { get; init; } = 131_072;

    /// <summary>
    /// Lines after which a template's remaining literal tokens are settled: a line that differs in one of them starts
    /// a new template instead of turning a word that has held for that many lines into a wildcard. Default: 8.
    /// </summary>
    [Id(7)] public int SettleAfter { get; init; } = 8;

    /// <summary>Throws with a one-line reason when a value is out of range.</summary>
    public void Validate()
    {
        Check(MaxTemplates is >= 1 and <= 100_000, nameof(MaxTemplates), "between 1 and 100000");
        Check(RouteTokens is >= 0 and <= 8, nameof(RouteTokens), "between 0 and 8");
        Check(Similarity is > 0 and <= 1, nameof(Similarity), "in (0, 1]");
        Check(MaxChildren is >= 1 and <= 10_000, nameof(MaxChildren), "between 1 and 10000");
        Check(MaxTokens is >= 1 and <= 1024, nameof(MaxTokens), "between 1 and 1024");
        Check(MaxTokenChars is >= 3 and <= 65_536, nameof(MaxTokenChars), "between 3 and 65536");
        Check(SettleAfter >= 1, nameof(SettleAfter), "at least 1");
        Check(MaxTemplateChars >= 1024, nameof(MaxTemplateChars), "at least 1024");
    }

    private static void Check(bool ok, string name, string range)
    {
        if (!ok)
        {
            throw new ArgumentException($"LogMinerOptions.{name} must be {range}", name);
        }
    }
}
