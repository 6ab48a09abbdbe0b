namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>A labelled anomaly window of one file, as the row indices of its first and last rows (inclusive).</summary>
public readonly record struct NabWindow(int Start, int End)
{
    public int Length => End - Start + 1;

    public bool Contains(int row) => row >= Start && row <= End;
}
