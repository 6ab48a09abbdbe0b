namespace OtlpGrains.Interfaces;

/// <summary>Where a model version stands in its lifecycle.</summary>
[GenerateSerializer, Alias("otlpgrains.ModelStage")]
public enum ModelStage
{
    /// <summary>Registered, not used for scoring.</summary>
    Candidate = 0,

    /// <summary>Scores beside production; its scores raise no alarms. At most one per model.</summary>
    Shadow = 1,

    /// <summary>The version the service grains score with. At most one per model.</summary>
    Production = 2,

    /// <summary>Out of use: displaced, rolled back or retired. Its artifact is kept, so it can be promoted again.</summary>
    Archived = 3,
}
