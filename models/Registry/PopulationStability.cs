namespace OtlpGrains.Models.Registry;

/// <summary>
/// The Population Stability Index of two histograms over the same bins: the sum over bins of
/// (recent − reference) × ln(recent / reference), in shares of each histogram's total. 0 means the same shape; under
/// 0.1 is usually read as stable, above 0.25 as a significant shift.
/// </summary>
public static class PopulationStability
{
    /// <summary>
    /// The share an empty bin counts as. Without it one empty bin would make the index infinite; 1e-4 is below what
    /// 1,000 scores can resolve (1e-3), so a bin that merely happened to stay empty adds little.
    /// </summary>
    public const double Epsilon = 1e-4;

    public static double Index(IReadOnlyList<long> reference, IReadOnlyList<long> recent)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(recent);
        if (reference.Count != recent.Count)
        {
            throw new ArgumentException($"histograms of {reference.Count} and {recent.Count} bins cannot be compared", nameof(recent));
        }

        double referenceTotal = reference.Sum();
        double recentTotal = recent.Sum();
        if (referenceTotal <= 0 || recentTotal <= 0)
        {
            throw new ArgumentException("both histograms need at least one count");
        }

        double index = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            double expected = Math.Max(reference[i] / referenceTotal, Epsilon);
            double actual = Math.Max(recent[i] / recentTotal, Epsilon);
            index += (actual - expected) * Math.Log(actual / expected);
        }

        return index;
    }
}
