using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OtlpGrains.Models.Detection.Torch;

/// <summary>
/// An LSTM autoencoder over a sequence of windows: an encoder LSTM reads the sequence, its last hidden state is
/// squeezed to a small latent vector, and a decoder LSTM unrolls that vector back into the sequence. The newest
/// window is hidden from the encoder (masked), so its reconstruction is what the older windows imply: a newest
/// window that does not follow them is reconstructed poorly, however well the network could copy it.
/// </summary>
internal sealed class LstmAutoencoder : nn.Module<Tensor, Tensor>
{
    private readonly LSTM _encoder;
    private readonly Linear _toLatent;
    private readonly Linear _fromLatent;
    private readonly LSTM _decoder;
    private readonly Linear _output;
    private readonly int _length;

    public LstmAutoencoder(AutoencoderShape shape)
        : base("lstm-ae")
    {
        _length = shape.Length;
        _encoder = nn.LSTM(shape.Signals, shape.Hidden, batchFirst: true);
        _toLatent = nn.Linear(shape.Hidden, shape.Latent);
        _fromLatent = nn.Linear(shape.Latent, shape.Hidden);
        _decoder = nn.LSTM(shape.Hidden, shape.Hidden, batchFirst: true);
        _output = nn.Linear(shape.Hidden, shape.Signals);
        RegisterComponents();
    }

    /// <summary>[batch, length, signals] in, the reconstruction of the same shape out.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor masked = input.clone();
        masked[.., -1] = zeros_like(masked[.., -1]);
        (_, Tensor hidden, _) = _encoder.call(masked);
        Tensor latent = tanh(_toLatent.call(hidden[-1]));
        Tensor repeated = _fromLatent.call(latent).unsqueeze(1).expand(-1, _length, -1);
        (Tensor decoded, _, _) = _decoder.call(repeated);
        return _output.call(decoded).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _encoder.Dispose();
            _toLatent.Dispose();
            _fromLatent.Dispose();
            _decoder.Dispose();
            _output.Dispose();
        }

        base.Dispose(disposing);
    }
}
