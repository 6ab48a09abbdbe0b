using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.IsolationForest;

/// <summary>
/// An isolation forest over the window vector and its lag embedding (<see cref="LagEmbedding"/>), grown per service
/// from a reservoir of that service's recent normal windows and regrown every
/// <see cref="IsolationForestOptions.RefreshWindows"/> windows. The raw isolation score (about 0.5 for a typical
/// window) is judged against the running mean and spread of the service's normal raw scores; the one-sided Gaussian
/// surprise of that z-score, less the memory of recent surprise (so an incident alarms at its onset), maps to
/// [0, 1] as s / (s + h), like the baseline's. A signal's score is the window's score times its share of
/// the splits that isolated the window, relative to the signal with the largest share.
/// </summary>
public sealed class IsolationForestModel : SignalModel<IsolationForestOptions, IsolationForestState>
{
    /// <summary>The kind name in artifacts and the registry.</summary>
    public const string KindName = "iforest";

    // The running mean and variance of normal raw scores follow about this many windows.
    private const double RawAlpha = 1.0 / 500;

    // Raw scores vary by a few hundredths; a floor keeps a very regular service from dividing by nearly zero.
    private const double MinimumRawVariance = 1e-4;

    // One-sided tail: -ln 2 turns the two-sided Gaussian surprise into a one-sided one.
    private static readonly double Ln2 = Math.Log(2);

    public IsolationForestModel(FeatureSchema schema, IsolationForestOptions options)
        : base(schema, options)
    {
    }

    public override string Kind => KindName;

    protected override AnomalyScore Score(IsolationForestState forest, long windowStartUnixNano, ReadOnlySpan<double> values, int followed)
    {
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
                InitialiseRawScores(forest);
            }

            return AnomalyScore.Unknown(values.Length);
        }

        Span<double> credit = stackalloc double[dimensions];
        double raw = forest.Trees.Score(features, credit);
        // How unusual this isolation is for this service: a z-score against the running mean and spread of its normal
        // windows' raw scores, as a one-sided Gaussian surprise, less the memory of recent surprise.
        double spread = Math.Sqrt(Math.Max(forest.RawVariance, MinimumRawVariance));
        double surprise = raw > forest.RawMean ? GaussianTail.Surprise((raw - forest.RawMean) / spread) - Ln2 : 0;
        surprise = Math.Max(0, surprise);
        double reported = Math.Max(0, surprise - forest.Memory);
        forest.Memory = Math.Max(surprise, forest.Memory * Math.Pow(2, -1 / Options.SuppressionHalfLife));
        if (surprise < Options.NormalSurprise)
        {
            reservoir.Add(features);
            double delta = raw - forest.RawMean;
            forest.RawMean += RawAlpha * delta;
            forest.RawVariance = (1 - RawAlpha) * (forest.RawVariance + (RawAlpha * delta * delta));
        }

        double score = reported / (reported + Options.HalfScoreSurprise);
        if (++forest.SinceGrowth >= Options.RefreshWindows)
        {
            Grow(forest);
        }

        return new AnomalyScore(score, SignalScores(score, credit, embedding.Signals, values.Length));
    }

    // The first forest scores the windows it grew from, so the raw score statistics start from this service's own.
    private static void InitialiseRawScores(IsolationForestState forest)
    {
        NormalReservoir reservoir = forest.Reservoir!;
        int dimensions = reservoir.Dimensions;
        Span<double> credit = stackalloc double[dimensions];
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < reservoir.Count; i++)
        {
            double raw = forest.Trees!.Score(reservoir.Rows.Slice(i * dimensions, dimensions), credit);
            sum += raw;
            squares += raw * raw;
        }

        forest.RawMean = sum / reservoir.Count;
        forest.RawVariance = Math.Max(0, (squares / reservoir.Count) - (forest.RawMean * forest.RawMean));
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
