using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>
/// Equality of feature schemas by value. The record's own equality compares the signal arrays by reference, which
/// two schemas read from different artifacts never share.
/// </summary>
public static class FeatureSchemaComparison
{
    public static bool Same(FeatureSchema a, FeatureSchema b) => a.Accepts(b) && a.OpenEnded == b.OpenEnded;

    /// <summary>The schema as one short line for error messages: <c>red.v1[rate,errorRatio,...]+</c>.</summary>
    public static string Describe(FeatureSchema schema) =>
        $"{schema.Name}[{string.Join(',', schema.Signals)}]{(schema.OpenEnded ? "+" : string.Empty)}";
}
