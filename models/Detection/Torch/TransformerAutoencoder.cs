using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OtlpGrains.Models.Detection.Torch;

/// <summary>
/// A small Transformer-encoder autoencoder over a sequence of windows: windows are embedded with a learnt position,
/// one self-attention layer encodes them, the encoded positions together are squeezed to a latent vector, and a small
/// feed-forward decoder rebuilds the whole sequence from that vector. (A second self-attention layer as decoder,
/// seeded with the latent vector and learnt positions, learnt too slowly here: on a seasonal series its errors on a
/// level shift were barely above those on clean windows after 25 epochs.) The newest window is hidden from
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
    private readonly Linear _output;
    private readonly int _length;
    private readonly int _signals;

    public TransformerAutoencoder(AutoencoderShape shape)
        : base("transformer-ae")
    {
        _embed = nn.Linear(shape.Signals, shape.Hidden);
        _encoderPositions = nn.Parameter(randn(shape.Length, shape.Hidden) * 0.1);
        _encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(shape.Hidden, shape.Heads, 2 * shape.Hidden, dropout: 0), 1);
        // From every position, not their mean: a mean loses where in the sequence (the season's phase) a value sat.
        _toLatent = nn.Linear(shape.Length * shape.Hidden, shape.Latent);
        _fromLatent = nn.Linear(shape.Latent, shape.Hidden);
        _output = nn.Linear(shape.Hidden, shape.Length * shape.Signals);
        _length = shape.Length;
        _signals = shape.Signals;
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
        Tensor decoded = _output.call(nn.functional.relu(_fromLatent.call(latent)));
        return decoded.reshape(-1, _length, _signals).MoveToOuterDisposeScope();
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
            _output.Dispose();
        }

        base.Dispose(disposing);
    }
}
