using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using OtlpGrains.Models.Detection.Sequences;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.MlNet;

/// <summary>
/// ML.NET's randomized PCA anomaly detector (<c>mlnet-pca</c>) over lag-embedded windows: the input is the
/// service's last Length windows in scale units, and the raw error is the input's distance from the principal subspace
/// of normal inputs. ML.NET's score is that distance divided by the input's distance from the training mean (a share in
/// [0, 1], near 1 for any input of mere noise); multiplying it back by the latter gives the distance itself, which
/// grows with how far a window departs. Divided by the root of the input's size, it is an RMS per value, in scale
/// units like the autoencoders' errors. The trained pipeline is kept as ML.NET's model zip, which the artifact carries.
/// </summary>
public sealed class MlNetPcaModel : SequenceModel
{
    public const string KindName = "mlnet-pca";

    private readonly MLContext _context;
    private readonly PredictionEngine<PcaInput, PcaOutput> _engine;
    private readonly Lock _engineLock = new();
    private readonly float[] _mean;

    internal MlNetPcaModel(FeatureSchema schema, int length, byte[] modelZip)
        : base(KindName, schema, length)
    {
        ModelZip = modelZip;
        _context = new MLContext(seed: 0);
        ITransformer transformer;
        try
        {
            transformer = _context.Model.Load(new MemoryStream(modelZip), out _);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ArgumentException($"not an ML.NET model zip: {e.Message.ReplaceLineEndings(" ")}", nameof(modelZip), e);
        }

        // A loaded pipeline types its predictor loosely; the parameters are PCA's when the zip came from our trainer.
        if ((transformer as IPredictionTransformer<object>)?.Model is not PcaModelParameters pca)
        {
            throw new ArgumentException($"the ML.NET model is a {transformer.GetType().Name}, not a PCA anomaly detector", nameof(modelZip));
        }

        VBuffer<float> mean = default;
        pca.GetMean(ref mean);
        _mean = mean.DenseValues().ToArray();
        if (_mean.Length != length * Signals)
        {
            throw new ArgumentException($"the ML.NET model reads {_mean.Length} values, not {length} windows of {Signals} signals", nameof(modelZip));
        }

        _engine = _context.Model.CreatePredictionEngine<PcaInput, PcaOutput>(transformer, inputSchemaDefinition: PcaInput.Definition(length * Signals));
    }

    /// <summary>The trained ML.NET pipeline as saved by ML.NET.</summary>
    public byte[] ModelZip { get; }

    protected override void ComputeErrors(float[] inputs, int batch, Span<double> totals, Span<double> perSignal)
    {
        int size = Length * Signals;
        // A prediction engine row by row: ML.NET's Transform over an in-memory data view cost about 120 µs a row
        // for a batch of 1,000 (TorchBatchBenchmarks), the engine a few µs. The engine is not thread-safe.
        var row = new PcaInput { Features = new float[size] };
        var output = new PcaOutput();
        lock (_engineLock)
        {
            for (int b = 0; b < batch; b++)
            {
                inputs.AsSpan(b * size, size).CopyTo(row.Features);
                _engine.Predict(row, ref output);
                totals[b] = output.Score;
            }
        }

        for (int b = 0; b < batch; b++)
        {
            double deviation = 0;
            for (int i = 0; i < size; i++)
            {
                double d = inputs[(b * size) + i] - _mean[i];
                deviation += d * d;
            }

            totals[b] *= Math.Sqrt(deviation / size);
        }

        // PCA's distance has no split per signal: each signal's share is how far its newest value is from its level.
        for (int b = 0; b < batch; b++)
        {
            for (int s = 0; s < Signals; s++)
            {
                float x = inputs[(b * size) + ((Length - 1) * Signals) + s];
                perSignal[(b * Signals) + s] = x * x;
            }
        }
    }
}
