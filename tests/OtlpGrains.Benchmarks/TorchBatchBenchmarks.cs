using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.MlNet;
using OtlpGrains.Models.Detection.Torch;
using OtlpGrains.Models.Training;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// Batched inference of the sequence models for a silo's services: one <see cref="IBatchAnomalyModel.ScoreBatch"/>
/// over <see cref="Services"/> services, each with a warmed-up state, scoring one RED window each (one forward pass
/// for the TorchSharp kinds). Mean is the time for the whole batch; divide by Services for a service-window.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project tests/OtlpGrains.Benchmarks -- --filter '*TorchBatch*'</c>.
/// The models are trained on synthetic RED windows with the trainers' default options.
/// </remarks>
[Config(typeof(InProcessJob))]
[MemoryDiagnoser]
[BenchmarkCategory("models")]
public class TorchBatchBenchmarks
{
    private const int Warmup = 64;

    private IBatchAnomalyModel _model = null!;
    private DetectorState[] _states = [];
    private ReadOnlyMemory<double>[][] _windows = [];
    private long[] _starts = [];
    private AnomalyScore[] _results = [];
    private int _next;

    [Params(TorchSequenceModel.LstmKind, TorchSequenceModel.TransformerKind, MlNetPcaModel.KindName)]
    public string Kind { get; set; } = TorchSequenceModel.LstmKind;

    [Params(1000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        IReadOnlyList<double[]>[] training = [RedWindows(400, seed: 1), RedWindows(400, seed: 2)];
        _model = Kind == MlNetPcaModel.KindName
            ? MlNetPcaTrainer.Train(FeatureSchema.Red, new MlNetPcaTrainingOptions(), training)
            : AutoencoderTrainer.Train(Kind, FeatureSchema.Red, new AutoencoderTrainingOptions(), training);

        // Per service a series of its own; the states are warmed up so that every service is in the forward pass.
        double[][][] series = [.. Enumerable.Range(0, Services).Select(s => RedWindows(Warmup + 256, seed: 100 + s))];
        _states = [.. Enumerable.Range(0, Services).Select(_ => _model.NewState())];
        _windows = [.. Enumerable.Range(0, Warmup + 256).Select(t => series.Select(s => (ReadOnlyMemory<double>)s[t]).ToArray())];
        _starts = new long[Services];
        _results = new AnomalyScore[Services];
        for (int t = 0; t < Warmup; t++)
        {
            _model.ScoreBatch(_states, _starts, _windows[t], _results);
        }

        _next = Warmup;
    }

    [Benchmark]
    public AnomalyScore ScoreBatch()
    {
        _model.ScoreBatch(_states, _starts, _windows[_next], _results);
        _next = _next + 1 < _windows.Length ? _next + 1 : Warmup;
        return _results[0];
    }

    [GlobalCleanup]
    public void Cleanup() => (_model as IDisposable)?.Dispose();

    /// <summary>
    /// In process: BenchmarkDotNet's generated project sets ImportDirectoryBuildTargets=false, so the TorchSharp natives
    /// it copies are not patched for Debian 12's libstdc++, while this process already runs from the patched build
    /// output. 1 launch, 3 warm-ups, 10 iterations.
    /// </summary>
    private sealed class InProcessJob : ManualConfig
    {
        public InProcessJob() =>
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10));
    }

    // Rate, error ratio, p50, p95, p99 with a daily-like cycle of 24 windows and noise.
    private static double[][] RedWindows(int length, int seed)
    {
        var random = new Random(seed);
        var windows = new double[length][];
        for (int t = 0; t < length; t++)
        {
            double rate = 50 + (10 * Math.Sin(2 * Math.PI * t / 24)) + random.NextDouble();
            double p50 = 20 + random.NextDouble();
            windows[t] = [rate, 0.01 + (0.002 * random.NextDouble()), p50, p50 * 2.5, p50 * 4];
        }

        return windows;
    }
}
