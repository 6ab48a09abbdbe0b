using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OtlpGrains.Models.Detection.Torch;

/// <summary>
/// A small Transformer-encoder autoencoder over a sequence of windows: windows are embedded with a learnt position,
/// one self-attention layer encodes them, the encoded positions together are squeezed to a latent vector, and a second
/// self-attention layer rebuilds the sequence from that vector and the positions. The newest window is hidden from
/// the encoder (masked): attention would otherwise learn to pass it through to its own reconstruction, and the
/// newest window is the one being judged.
/// </summary>
internal sealed class TransformerAutoencoder : nn.Module<Tensor, Tensor>
{
    private readonly Linear _embed;
    private readonly Parameter _encoderPositions;
    private readonly TransformerEncoder _encoder;
    private readonly Linear _toLatent;
    private readonly Linear _fromLatent;
    private readonly Parameter _decoderPositions;
    private readonly TransformerEncoder _decoder;
    private readonly Linear _output;

    public TransformerAutoencoder(AutoencoderShape shape)
        : base("transformer-ae")
    {
        _embed = nn.Linear(shape.Signals, shape.Hidden);
        _encoderPositions = nn.Parameter(randn(shape.Length, shape.Hidden) * 0.1);
        _encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(shape.Hidden, shape.Heads, 2 * shape.Hidden, dropout: 0), 1);
        // From every position, not their mean: a mean loses where in the sequence (the season's phase) a value sat.
        _toLatent = nn.Linear(shape.Length * shape.Hidden, shape.Latent);
        _fromLatent = nn.Linear(shape.Latent, shape.Hidden);
        _decoderPositions = nn.Parameter(randn(shape.Length, shape.Hidden) * 0.1);
        _decoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(shape.Hidden, shape.Heads, 2 * shape.Hidden, dropout: 0), 1);
        _output = nn.Linear(shape.Hidden, shape.Signals);
        RegisterComponents();
    }

    /// <summary>[batch, length, signals] in, the reconstruction of the same shape out.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        // TorchSharp's Transformer layers take [length, batch, hidden].
        Tensor masked = input.clone();
        masked[.., -1] = zeros_like(masked[.., -1]);
        Tensor embedded = (_embed.call(masked) + _encoderPositions).permute(1, 0, 2);
        Tensor encoded = _encoder.call(embedded, null, null);
        Tensor latent = tanh(_toLatent.call(encoded.permute(1, 0, 2).flatten(1)));
        Tensor seeded = _fromLatent.call(latent).unsqueeze(0) + _decoderPositions.unsqueeze(1);
        Tensor decoded = _decoder.call(seeded, null, null).permute(1, 0, 2);
        return _output.call(decoded).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _embed.Dispose();
            _encoderPositions.Dispose();
            _encoder.Dispose();
            _toLatent.Dispose();
            _fromLatent.Dispose();
            _decoderPositions.Dispose();
            _decoder.Dispose();
            _output.Dispose();
        }

        base.Dispose(disposing);
    }
}
