namespace OtlpGrains.Models.Detection.Torch;

/// <summary>
/// The architecture of a sequence autoencoder, stored in its artifact: <see cref="Length"/> windows of
/// <see cref="Signals"/> values in, a <see cref="Hidden"/>-wide network, squeezed through <see cref="Latent"/> values.
/// <see cref="Heads"/> is used by the Transformer only.
/// </summary>
public sealed record AutoencoderShape(int Signals, int Length, int Hidden, int Latent, int Heads)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        Check(Signals, 1, 256, nameof(Signals));
        Check(Length, 2, 512, nameof(Length));
        Check(Hidden, 2, 1024, nameof(Hidden));
        Check(Latent, 1, Hidden, nameof(Latent));
        Check(Heads, 1, Hidden, nameof(Heads));
        if (Hidden % Heads != 0)
        {
            throw new ArgumentException($"Hidden ({Hidden}) must be a multiple of Heads ({Heads})");
        }
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException($"{name} must be in [{min}, {max}], not {value}");
        }
    }
}
