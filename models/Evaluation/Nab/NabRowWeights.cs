namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// What a detection at each row of one file is worth under one profile, and the window it falls in (−1 outside).
/// Inside a window a detection earns tpWeight scaled by how early it comes; outside, a false alarm costs fpWeight
/// scaled by its distance after the preceding window (in that window's lengths), or the full fpWeight when no
/// window precedes it.
/// </summary>
internal sealed class NabRowWeights
{
    private NabRowWeights(int[] window, double[] weight)
    {
        Window = window;
        Weight = weight;
    }

    public int[] Window { get; }

    public double[] Weight { get; }

    public static NabRowWeights Of(NabFile file, NabProfile profile)
    {
        IReadOnlyList<NabWindow> windows = file.Windows;
        var window = new int[file.RowCount];
        var weight = new double[file.RowCount];
        int next = 0;
        int preceding = -1;
        for (int row = 0; row < file.RowCount; row++)
        {
            while (next < windows.Count && windows[next].End < row)
            {
                preceding = next++;
            }

            if (next < windows.Count && windows[next].Contains(row))
            {
                NabWindow w = windows[next];
                // The window's first row sits at −1 and its last at −1/length: the last row still earns a little.
                double position = -(w.End - row + 1) / (double)w.Length;
                window[row] = next;
                weight[row] = NabScoringFunction.ScaledSigmoid(position) * profile.TpWeight / NabScoringFunction.MaxTruePositive;
            }
            else if (preceding < 0)
            {
                window[row] = -1;
                weight[row] = -profile.FpWeight;
            }
            else
            {
                NabWindow w = windows[preceding];
                // A one-row window has no length to measure by; count the distance in rows then.
                double position = (row - w.End) / (double)Math.Max(w.Length - 1, 1);
                window[row] = -1;
                weight[row] = NabScoringFunction.ScaledSigmoid(position) * profile.FpWeight;
            }
        }

        return new NabRowWeights(window, weight);
    }
}
