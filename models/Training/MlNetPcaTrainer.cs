using Microsoft.ML;
using Microsoft.ML.Trainers;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.MlNet;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Training;

/// <summary>
/// Trains ML.NET's randomized PCA anomaly detector on lag-embedded normal windows: the principal subspace of the
/// last <see cref="MlNetPcaTrainingOptions.Length"/> windows (in scale units) of every training series.
/// </summary>
public static class MlNetPcaTrainer
{
    public static MlNetPcaModel Train(FeatureSchema schema, MlNetPcaTrainingOptions options, IEnumerable<IReadOnlyList<double[]>> series)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        int signals = schema.Signals.Length;
        int size = options.Length * signals;
        if (options.Rank < 1 || options.Rank >= size)
        {
            throw new ArgumentException($"Rank must be in [1, {size - 1}] for {options.Length} windows of {signals} signals, not {options.Rank}");
        }

        (float[] sequences, int count) = TrainingSequences.Collect(MlNetPcaModel.KindName, signals, options.Length, series);
        // A flat training series (a constant in NAB's probation) has no principal directions, and ML.NET's eigenvectors
        // come out NaN. A seeded jitter of a hundredth of a scale unit keeps every subspace defined and is far below
        // what the robust scale lets a normal window vary.
        var jitter = new Random(options.Seed);
        var rows = new PcaInput[count];
        for (int i = 0; i < count; i++)
        {
            float[] features = sequences.AsSpan(i * size, size).ToArray();
            for (int j = 0; j < size; j++)
            {
                features[j] += (float)(0.01 * ((2 * jitter.NextDouble()) - 1));
            }

            rows[i] = new PcaInput { Features = features };
        }

        var context = new MLContext(seed: options.Seed);
        IDataView data = context.Data.LoadFromEnumerable(rows, PcaInput.Definition(size));
        var trainer = context.AnomalyDetection.Trainers.RandomizedPca(new RandomizedPcaTrainer.Options
        {
            FeatureColumnName = nameof(PcaInput.Features),
            Rank = options.Rank,
            // The randomized projection cannot be wider than the input: ML.NET's eigenvectors come out NaN.
            Oversampling = Math.Min(options.Oversampling, size - options.Rank),
            EnsureZeroMean = true,
            Seed = options.Seed,
        });
        ITransformer model = trainer.Fit(data);
        using var zip = new MemoryStream();
        context.Model.Save(model, data.Schema, zip);
        return new MlNetPcaModel(schema, options.Length, zip.ToArray());
    }
}
