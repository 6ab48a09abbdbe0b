using OtlpGrains.Models.Detection.Sequences;

namespace OtlpGrains.Models.Training;

/// <summary>
/// The inputs a sequence model sees, gathered from training series exactly as scoring builds them: each series goes
/// through a fresh <see cref="WindowSequenceState"/>, and every window past the warm-up gives one sequence of
/// Length x Signals values in scale units.
/// </summary>
public static class TrainingSequences
{
    /// <summary>Sequences needed to train anything.</summary>
    public const int Minimum = 16;

    /// <summary>All sequences, one after the other (count x length x signals floats), and their count.</summary>
    public static (float[] Values, int Count) Collect(string kind, int signals, int length, IEnumerable<IReadOnlyList<double[]>> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        int size = signals * length;
        var values = new List<float>();
        float[] sequence = new float[size];
        int count = 0;
        foreach (IReadOnlyList<double[]> windows in series)
        {
            var state = new WindowSequenceState(kind, signals, length);
            foreach (double[] window in windows)
            {
                if (state.TryPrepare(window, sequence))
                {
                    values.AddRange(sequence);
                    count++;
                }

                state.Learn(window, sequence);
            }
        }

        if (count < Minimum)
        {
            throw new ArgumentException(
                $"too few training windows: {count} sequences of {length} windows after warm-up, at least {Minimum} needed");
        }

        return ([.. values], count);
    }
}
