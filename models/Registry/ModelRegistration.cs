using System.Collections.Immutable;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>
/// A new version's facts once its upload has been checked: what <see cref="ModelRegistry.Register"/> records. The
/// artifact itself is stored apart, under the version number the registry gives.
/// </summary>
public sealed record ModelRegistration(
    string Kind,
    FeatureSchema Schema,
    DateTimeOffset TrainedFrom,
    DateTimeOffset TrainedTo,
    ImmutableSortedDictionary<string, double> Metrics,
    string Sha256,
    long SizeBytes,
    string Who,
    string Reason);
