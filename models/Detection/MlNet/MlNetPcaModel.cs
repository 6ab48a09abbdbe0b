using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using OtlpGrains.Models.Detection.Sequences;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.MlNet;

/// <summary>
/// ML.NET's randomized PCA anomaly detector (<c>mlnet-pca</c>) over lag-embedded windows: the input is the
/// service's last Length windows in scale units, and the raw error is the newest window's part of the input's
/// residual off the principal subspace that ML.NET learnt from normal inputs (RMS per signal, in scale units). The
/// trained pipeline is kept as ML.NET's model zip, which the artifact carries; scoring reads its mean and eigenvectors.
/// </summary>
/// <remarks>
/// ML.NET's own score is the norm of the whole residual divided by the input's distance from the mean. On NAB it
/// scored 16.3 (standard) even multiplied back by that distance, against 31.4 for the newest window's part: a spike
/// stays in the lag vector for Length windows, and the whole residual keeps alarming after it while the newest part
/// does not. Scoring is one small matrix product per window, so no prediction engine (not thread-safe) is
/// needed.
/// </remarks>
public sealed class MlNetPcaModel : SequenceModel
{
    public const string KindName = "mlnet-pca";

    private readonly float[] _mean;
    private readonly float[][] _eigenVectors;

    internal MlNetPcaModel(FeatureSchema schema, int length, byte[] modelZip)
        : base(KindName, schema, length)
    {
        ModelZip = modelZip;
        ITransformer transformer;
        try
        {
            transformer = new MLContext(seed: 0).Model.Load(new MemoryStream(modelZip), out _);
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
        VBuffer<float>[] vectors = [];
        pca.GetEigenVectors(ref vectors, out int rank);
        _eigenVectors = [.. vectors.Take(rank).Select(v => v.DenseValues().ToArray())];
        int size = length * Signals;
        if (_mean.Length != size || _eigenVectors.Any(v => v.Length != size))
        {
            throw new ArgumentException($"the ML.NET model reads {_mean.Length} values, not {length} windows of {Signals} signals", nameof(modelZip));
        }
    }

    /// <summary>The trained ML.NET pipeline as saved by ML.NET.</summary>
    public byte[] ModelZip { get; }

    protected override void ComputeErrors(float[] inputs, int batch, Span<double> totals, Span<double> perSignal)
    {
        int size = Length * Signals;
        double[] residual = new double[size];
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> input = inputs.AsSpan(b * size, size);
            for (int i = 0; i < size; i++)
            {
                residual[i] = input[i] - _mean[i];
            }

            // The eigenvectors are orthonormal: subtracting each projection in turn leaves the part off the subspace.
            foreach (float[] u in _eigenVectors)
            {
                double projection = 0;
                for (int i = 0; i < size; i++)
                {
                    projection += u[i] * residual[i];
                }

                for (int i = 0; i < size; i++)
                {
                    residual[i] -= projection * u[i];
                }
            }

            double total = 0;
            for (int s = 0; s < Signals; s++)
            {
                double r = residual[size - Signals + s];
                perSignal[(b * Signals) + s] = r * r;
                total += r * r;
            }

            totals[b] = Math.Sqrt(total / Signals);
        }
    }
}
