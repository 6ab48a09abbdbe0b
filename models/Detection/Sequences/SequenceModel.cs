using System.Buffers;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Sequences;

/// <summary>
/// The scoring loop shared by models whose input is a service's last windows (<see cref="WindowSequenceState"/>):
/// each state prepares its sequence, the ready ones go through the model as one batch, and each error is turned into
/// a score (<see cref="ScoreOf"/>) before the state learns its window. Subclasses supply only the batch computation of
/// errors.
/// </summary>
public abstract class SequenceModel : IBatchAnomalyModel
{
    protected SequenceModel(string kind, FeatureSchema schema, int length)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        Kind = kind;
        Schema = schema;
        Length = length;
    }

    public string Kind { get; }

    public FeatureSchema Schema { get; }

    /// <summary>Windows per input sequence.</summary>
    public int Length { get; }

    /// <summary>Values per window the model reads: the schema's signals.</summary>
    public int Signals => Schema.Signals.Length;

    public DetectorState NewState() => new WindowSequenceState(Kind, Signals, Length);

    public AnomalyScore Score(DetectorState state, long windowStartUnixNano, ReadOnlySpan<double> values)
    {
        var results = new AnomalyScore[1];
        ReadOnlyMemory<double>[] vectors = [values.ToArray()];
        ScoreBatch([state], [windowStartUnixNano], vectors, results);
        return results[0];
    }

    public void ScoreBatch(
        ReadOnlySpan<DetectorState> states,
        ReadOnlySpan<long> windowStartsUnixNano,
        ReadOnlySpan<ReadOnlyMemory<double>> vectors,
        Span<AnomalyScore> results)
    {
        if (vectors.Length != states.Length || results.Length != states.Length || windowStartsUnixNano.Length != states.Length)
        {
            throw new ArgumentException("states, window starts, vectors and results must have the same length");
        }

        int n = states.Length;
        int sequenceSize = Length * Signals;
        float[] sequences = ArrayPool<float>.Shared.Rent(Math.Max(1, n * sequenceSize));
        int[] ready = ArrayPool<int>.Shared.Rent(Math.Max(1, n));
        try
        {
            // All sequences are prepared before any state learns, so each state is read in its pre-window form.
            int batch = 0;
            for (int i = 0; i < n; i++)
            {
                WindowSequenceState state = StateOf(states[i]);
                if (state.TryPrepare(vectors[i].Span, sequences.AsSpan(i * sequenceSize, sequenceSize)))
                {
                    ready[batch++] = i;
                }
            }

            double[] totals = new double[batch];
            double[] perSignal = new double[batch * Signals];
            if (batch > 0)
            {
                float[] inputs = new float[batch * sequenceSize];
                for (int b = 0; b < batch; b++)
                {
                    sequences.AsSpan(ready[b] * sequenceSize, sequenceSize).CopyTo(inputs.AsSpan(b * sequenceSize));
                }

                ComputeErrors(inputs, batch, totals, perSignal);
            }

            for (int i = 0, b = 0; i < n; i++)
            {
                var state = (WindowSequenceState)states[i];
                int width = Math.Max(Signals, vectors[i].Length);
                if (b < batch && ready[b] == i)
                {
                    results[i] = ToScore(ScoreOf(totals[b]), perSignal.AsSpan(b * Signals, Signals), width);
                    b++;
                }
                else
                {
                    results[i] = AnomalyScore.Unknown(width);
                }

                state.Learn(vectors[i].Span, sequences.AsSpan(i * sequenceSize, sequenceSize));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(sequences);
            ArrayPool<int>.Shared.Return(ready);
        }
    }

    /// <summary>
    /// The model's error for each of <paramref name="batch"/> sequences (Length x Signals floats each, oldest window
    /// first) into <paramref name="totals"/>, and its share per signal of the newest window into
    /// <paramref name="perSignal"/> (batch x Signals). One call is one pass of the model over the whole batch.
    /// </summary>
    protected abstract void ComputeErrors(float[] inputs, int batch, Span<double> totals, Span<double> perSignal);

    /// <summary>
    /// The score of a raw error, an RMS in the state's scale units (the inputs are): e² / (e² + 9), so that an error of
    /// three units gives 0.5 and larger ones keep their order up to 1.
    /// </summary>
    /// <remarks>
    /// A fixed map, not one calibrated on each state's recent errors: on NAB, a robust z of the error against the
    /// last 512 errors scored 14.0 (standard) for mlnet-pca against 16.3 for a fixed map, because a state's own recent
    /// errors rise with every regime change and turn the next departures into noise. (NAB's one threshold for the
    /// corpus makes it blind to the map's constant.)
    /// </remarks>
    public static double ScoreOf(double error) =>
        double.IsNaN(error) || error <= 0 ? 0 : error * error / ((error * error) + (HalfScoreError * HalfScoreError));

    private const double HalfScoreError = 3;

    // Signals share the window's score by their part of the error, so an alarm names the ones that drove it; the
    // values beyond the schema (a service's metric series) get no opinion.
    private static AnomalyScore ToScore(double score, ReadOnlySpan<double> perSignal, int width)
    {
        var signalScores = new double[width];
        Array.Fill(signalScores, double.NaN);
        double max = 0;
        foreach (double e in perSignal)
        {
            max = Math.Max(max, e);
        }

        for (int s = 0; s < perSignal.Length; s++)
        {
            signalScores[s] = max > 0 ? score * perSignal[s] / max : 0;
        }

        return new AnomalyScore(score, signalScores);
    }

    private WindowSequenceState StateOf(DetectorState state) =>
        state is WindowSequenceState sequence && sequence.Kind == Kind && sequence.Signals == Signals && sequence.Length == Length
            ? sequence
            : throw new ArgumentException($"a {state?.Kind ?? "null"} state cannot be scored by a {Kind} model of {Signals} signals x {Length} windows");
}
