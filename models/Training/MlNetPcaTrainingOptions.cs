namespace OtlpGrains.Models.Training;

/// <summary>How an <c>mlnet-pca</c> model is trained.</summary>
public sealed record MlNetPcaTrainingOptions
{
    /// <summary>Windows per lag-embedded input. Default: 8.</summary>
    public int Length { get; init; } = 8;

    /// <summary>Principal components kept. Default: 3.</summary>
    public int Rank { get; init; } = 3;

    /// <summary>Extra dimensions of the randomized projection. Default: 20.</summary>
    public int Oversampling { get; init; } = 20;

    /// <summary>Seed of the randomized projection. Default: 17.</summary>
    public int Seed { get; init; } = 17;
}
