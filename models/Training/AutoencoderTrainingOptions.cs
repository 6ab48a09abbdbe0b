namespace OtlpGrains.Models.Training;

/// <summary>
/// How a TorchSharp sequence autoencoder is built and trained. The defaults keep a model small enough to train on a
/// few hundred windows in about a second on one core, and to score a thousand services in one pass.
/// </summary>
public sealed record AutoencoderTrainingOptions
{
    /// <summary>Windows per input sequence. Default: 12.</summary>
    public int Length { get; init; } = 12;

    /// <summary>Width of the network. Default: 16.</summary>
    public int Hidden { get; init; } = 16;

    /// <summary>Size of the bottleneck. Default: 4.</summary>
    public int Latent { get; init; } = 4;

    /// <summary>Attention heads of the Transformer. Default: 2.</summary>
    public int Heads { get; init; } = 2;

    /// <summary>Passes over the training sequences. Default: 12.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Sequences per optimiser step. Default: 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate. Default: 0.01.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Seed of the initial weights and of the order of batches, so that training is repeatable. Default: 17.</summary>
    public int Seed { get; init; } = 17;
}
