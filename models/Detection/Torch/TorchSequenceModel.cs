using OtlpGrains.Models.Detection.Sequences;
using TorchSharp;
using static TorchSharp.torch;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Torch;

/// <summary>
/// A trained sequence autoencoder (<c>lstm-ae</c> or <c>transformer-ae</c>) as an <see cref="IAnomalyModel"/>: a
/// window's raw error is the root mean squared reconstruction error of the newest window of its sequence (in scale
/// units, like the inputs), and a batch of services is one forward pass. Immutable once built; forward passes from several threads are safe (no
/// gradients, no dropout, weights only read).
/// </summary>
public sealed class TorchSequenceModel : SequenceModel, IDisposable
{
    public const string LstmKind = "lstm-ae";
    public const string TransformerKind = "transformer-ae";

    private readonly nn.Module<Tensor, Tensor> _network;

    private TorchSequenceModel(string kind, FeatureSchema schema, AutoencoderShape shape, nn.Module<Tensor, Tensor> network)
        : base(kind, schema, shape.Length)
    {
        Shape = shape;
        _network = network;
        _network.eval();
    }

    public AutoencoderShape Shape { get; }

    /// <summary>The network itself, for training and for the codec.</summary>
    internal nn.Module<Tensor, Tensor> Network => _network;

    /// <summary>A model with fresh (untrained) weights of <paramref name="kind"/>.</summary>
    internal static TorchSequenceModel Create(string kind, FeatureSchema schema, AutoencoderShape shape)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        if (shape.Signals != schema.Signals.Length)
        {
            throw new ArgumentException($"the shape has {shape.Signals} signals, the schema {schema.Signals.Length}");
        }

        TorchRuntime.EnsureLoaded();
        nn.Module<Tensor, Tensor> network = kind switch
        {
            LstmKind => new LstmAutoencoder(shape),
            TransformerKind => new TransformerAutoencoder(shape),
            _ => throw new ArgumentException($"unknown TorchSharp model kind '{kind}'"),
        };
        return new TorchSequenceModel(kind, schema, shape, network);
    }

    protected override void ComputeErrors(float[] inputs, int batch, Span<double> totals, Span<double> perSignal)
    {
        float[] squared;
        using (NewDisposeScope())
        using (no_grad())
        {
            Tensor x = tensor(inputs, [batch, Length, Signals]);
            Tensor error = (_network.call(x) - x).square().select(1, Length - 1);
            squared = error.data<float>().ToArray();
        }

        for (int b = 0; b < batch; b++)
        {
            double total = 0;
            for (int s = 0; s < Signals; s++)
            {
                double e = squared[(b * Signals) + s];
                perSignal[(b * Signals) + s] = e;
                total += e;
            }

            totals[b] = Math.Sqrt(total / Signals);
        }
    }

    public void Dispose() => _network.Dispose();
}
