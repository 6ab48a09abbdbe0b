namespace OtlpGrains.Models.Registry;

/// <summary>What the registry grain stores: every model's metadata (never the artifacts) and a refusal count.</summary>
[GenerateSerializer, Alias("otlpgrains.ModelRegistryState")]
public sealed class ModelRegistryState
{
    [Id(0)]
    public Dictionary<string, RegisteredModel> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Uploads refused before any change (bad artifact, schema, size...). Stored with the next change.</summary>
    [Id(1)]
    public long RefusedUploads { get; set; }

    /// <summary>
    /// What the silos reported of each version (<c>name/version</c>). Kept in memory as reports arrive and stored by
    /// the registry grain's flush timer (or with the next change), so reports cost no storage write each.
    /// </summary>
    [Id(2)]
    public Dictionary<string, VersionScores> Scores { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Score reports refused as malformed (<see cref="ScoreReportCheck"/>).</summary>
    [Id(3)]
    public long RefusedScoreReports { get; set; }
}
