namespace OtlpGrains.Models.Detection.IsolationForest;

/// <summary>
/// An isolation forest over the window vector and its lag embedding (<see cref="LagEmbedding"/>), grown per service
/// from a reservoir of that service's recent normal windows and regrown every
/// <see cref="IsolationForestOptions.RefreshWindows"/> windows. The raw isolation score (about 0.5 for a typical
/// window) becomes the window's score by how far it rises above both 0.5 and the memory of recent raw scores,
/// scaled to [0, 1], so an incident alarms at its onset. A signal's score is the window's score times its share of
/// the splits that isolated the window, relative to the signal with the largest share.
/// </summary>
public sealed class IsolationForestModel : IAnomalyModel
{
    /// <summary>The kind name in artifacts and the registry.</summary>
    public const string KindName = "iforest";

    // The raw score of a point no more isolated than the average sample.
    private const double Typical = 0.5;

    public IsolationForestModel(FeatureSchema schema, IsolationForestOptions options)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Schema = schema;
        Options = options;
    }

    public string Kind => KindName;

    public FeatureSchema Schema { get; }

    public IsolationForestOptions Options { get; }

    public DetectorState NewState() => new IsolationForestState();

    public AnomalyScore Score(DetectorState state, long windowStartUnixNano, ReadOnlySpan<double> values)
    {
        if (state is not IsolationForestState forest)
        {
            throw new ArgumentException($"an {KindName} model cannot use a state of kind '{state?.Kind}'", nameof(state));
        }

        int followed = Math.Min(Schema.OpenEnded ? values.Length : Math.Min(values.Length, Schema.Signals.Length), Options.MaxSignals);
        if (followed == 0)
        {
            return AnomalyScore.Unknown(values.Length);
        }

        if (forest.Embedding is null || followed > forest.Embedding.Signals)
        {
            forest.Reset(followed, Options);
        }

        LagEmbedding embedding = forest.Embedding!;
        NormalReservoir reservoir = forest.Reservoir!;
        int dimensions = reservoir.Dimensions;
        Span<double> features = stackalloc double[dimensions];
        embedding.Embed(values, features);

        if (forest.Trees is null)
        {
            // Warming up: every window is taken as normal until the first forest can grow.
            reservoir.Add(features);
            if (reservoir.Count >= Options.WarmUpWindows)
            {
                Grow(forest);
            }

            return AnomalyScore.Unknown(values.Length);
        }

        Span<double> credit = stackalloc double[dimensions];
        double raw = forest.Trees.Score(features, credit);
        if (raw < Options.NormalCutoff)
        {
            reservoir.Add(features);
        }

        double score = Math.Clamp((raw - Math.Max(Typical, forest.Memory)) / (1 - Typical), 0, 1);
        forest.Memory = Math.Max(raw, forest.Memory * Math.Pow(2, -1 / Options.SuppressionHalfLife));
        if (++forest.SinceGrowth >= Options.RefreshWindows)
        {
            Grow(forest);
        }

        return new AnomalyScore(score, SignalScores(score, credit, embedding.Signals, values.Length));
    }

    private void Grow(IsolationForestState forest)
    {
        NormalReservoir reservoir = forest.Reservoir!;
        forest.Trees ??= new IsolationTrees(Options.Trees, Options.SampleSize);
        forest.Trees.Grow(reservoir.Rows, reservoir.Count, reservoir.Dimensions, forest.Random);
        forest.SinceGrowth = 0;
    }

    private static double[] SignalScores(double score, ReadOnlySpan<double> credit, int signals, int length)
    {
        var scores = new double[length];
        Array.Fill(scores, double.NaN);
        Span<double> share = stackalloc double[signals];
        double largest = 0;
        for (int s = 0; s < signals; s++)
        {
            for (int f = 0; f < LagEmbedding.FeaturesPerSignal; f++)
            {
                share[s] += credit[(s * LagEmbedding.FeaturesPerSignal) + f];
            }

            largest = Math.Max(largest, share[s]);
        }

        for (int s = 0; s < Math.Min(signals, length); s++)
        {
            scores[s] = largest > 0 ? score * share[s] / largest : 0;
        }

        return scores;
    }
}
