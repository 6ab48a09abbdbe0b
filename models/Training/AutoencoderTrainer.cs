using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Torch;
using TorchSharp;
using static TorchSharp.torch;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Training;

/// <summary>
/// Trains a TorchSharp sequence autoencoder (<c>lstm-ae</c>, <c>transformer-ae</c>) offline on windows taken as
/// normal: it learns to reconstruct their sequences (mean squared error, Adam), so that sequences unlike them are
/// reconstructed poorly when scoring.
/// </summary>
public static class AutoencoderTrainer
{
    // Weight initialisation draws from LibTorch's global generator: seeding and building happen together, one
    // model at a time, so that the same seed gives the same weights when several trainings run at once.
    private static readonly Lock InitialisationLock = new();

    public static TorchSequenceModel Train(
        string kind, FeatureSchema schema, AutoencoderTrainingOptions options, IEnumerable<IReadOnlyList<double[]>> series)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        int signals = schema.Signals.Length;
        (float[] sequences, int count) = TrainingSequences.Collect(kind, signals, options.Length, series);

        var shape = new AutoencoderShape(signals, options.Length, options.Hidden, options.Latent, options.Heads);
        TorchSequenceModel model;
        lock (InitialisationLock)
        {
            TorchRuntime.EnsureLoaded();
            random.manual_seed(options.Seed);
            model = TorchSequenceModel.Create(kind, schema, shape);
        }

        try
        {
            Fit(model.Network, sequences, count, shape, options);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        return model;
    }

    private static void Fit(nn.Module<Tensor, Tensor> network, float[] sequences, int count, AutoencoderShape shape, AutoencoderTrainingOptions options)
    {
        int size = shape.Length * shape.Signals;
        network.train();
        using var optimizer = optim.Adam(network.parameters(), options.LearningRate);
        var order = Enumerable.Range(0, count).ToArray();
        var shuffle = new Random(options.Seed);
        float[] batch = new float[options.BatchSize * size];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            shuffle.Shuffle(order);
            for (int start = 0; start < count; start += options.BatchSize)
            {
                int n = Math.Min(options.BatchSize, count - start);
                for (int i = 0; i < n; i++)
                {
                    sequences.AsSpan(order[start + i] * size, size).CopyTo(batch.AsSpan(i * size));
                }

                using var scope = NewDisposeScope();
                Tensor x = tensor(batch.AsSpan(0, n * size).ToArray(), [n, shape.Length, shape.Signals]);
                optimizer.zero_grad();
                Tensor loss = nn.functional.mse_loss(network.call(x), x);
                loss.backward();
                optimizer.step();
            }
        }

        network.eval();
    }
}
