using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Context;
using OtlpGrains.Models.Detection.Corroborated;
using OtlpGrains.Models.Detection.IsolationForest;
using OtlpGrains.Models.Detection.Resonance;
using OtlpGrains.Models.Detection.Thresholds;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// What scoring one service-window costs: a 5-signal RED vector through each detector, and a score through the
/// adaptive threshold. Each invocation scores <see cref="Windows"/> consecutive 10 s windows of a warmed-up state
/// (seasonal profile, forest and threshold all past their warm-up), so Mean is ns per window and Allocated is
/// bytes per window. Regrowths of the forest (every 64 windows) are included, amortised.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/OtlpGrains.Benchmarks -- --filter '*DetectorBenchmarks*'</c></remarks>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[BenchmarkCategory("detectors")]
public class DetectorBenchmarks
{
    private const int Windows = 1024;
    private const long WindowNanos = 10_000_000_000;
    private const int WarmUpWindows = 4 * 8640;

    private readonly double[][] _vectors = new double[Windows][];
    private BaselineModel _baseline = null!;
    private IsolationForestModel _forest = null!;
    private DetectorState _baselineState = null!;
    private DetectorState _forestState = null!;
    private ContextModel _context = null!;
    private DetectorState _contextState = null!;
    private CorroboratedModel _corroborated = null!;
    private DetectorState _corroboratedState = null!;
    private ResonanceModel _resonance = null!;
    private DetectorState _resonanceState = null!;
    private SignalThresholds _threshold = null!;
    private AnomalyScore[] _scores = [];
    private long _window;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _baseline = new BaselineModel(FeatureSchema.Red, BaselineOptions.Default);
        _forest = new IsolationForestModel(FeatureSchema.Red, IsolationForestOptions.Default);
        _baselineState = _baseline.NewState();
        _forestState = _forest.NewState();
        _context = new ContextModel(FeatureSchema.Red, ContextOptions.Default);
        _contextState = _context.NewState();
        _corroborated = new CorroboratedModel(FeatureSchema.Red, CorroboratedOptions.Default);
        _corroboratedState = _corroborated.NewState();
        _resonance = new ResonanceModel(FeatureSchema.Red, ResonanceOptions.Default);
        _resonanceState = _resonance.NewState();
        _threshold = new SignalThresholds();

        // Four days of 10 s windows: past every warm-up, with a daily rhythm in the profile.
        for (int w = 0; w < WarmUpWindows; w++)
        {
            double[] vector = Vector(w, random);
            _baseline.Score(_baselineState, w * WindowNanos, vector);
            _context.Score(_contextState, w * WindowNanos, vector);
            _corroborated.Score(_corroboratedState, w * WindowNanos, vector);
            _resonance.Score(_resonanceState, w * WindowNanos, vector);
            AnomalyScore score = _forest.Score(_forestState, w * WindowNanos, vector);
            AnomalyVerdict.Judge(_threshold, score, FeatureSchema.Red, null, SpotOptions.Default);
        }

        _window = WarmUpWindows;
        for (int i = 0; i < Windows; i++)
        {
            _vectors[i] = Vector(WarmUpWindows + i, random);
        }

        _scores = [.. _vectors.Select((v, i) => _baseline.Score(_baseline.NewState(), (WarmUpWindows + i) * WindowNanos, v))];
        using ServiceProvider services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        Console.WriteLine(
            $"// state bytes (Orleans serializer): baseline {serializer.SerializeToArray(_baselineState).Length}, " +
            $"iforest {serializer.SerializeToArray(_forestState).Length}, spot {serializer.SerializeToArray(_threshold).Length}, " +
            $"context {serializer.SerializeToArray(_contextState).Length}, baseline-context {serializer.SerializeToArray(_corroboratedState).Length}, " +
            $"resonance {serializer.SerializeToArray(_resonanceState).Length}");
    }

    [Benchmark(OperationsPerInvoke = Windows, Baseline = true)]
    public double Baseline() => Run(_baseline, _baselineState);

    [Benchmark(OperationsPerInvoke = Windows)]
    public double IsolationForest() => Run(_forest, _forestState);

    [Benchmark(OperationsPerInvoke = Windows)]
    public double Context() => Run(_context, _contextState);

    [Benchmark(OperationsPerInvoke = Windows)]
    public double BaselineContext() => Run(_corroborated, _corroboratedState);

    [Benchmark(OperationsPerInvoke = Windows)]
    public double Resonance() => Run(_resonance, _resonanceState);

    [Benchmark(OperationsPerInvoke = Windows)]
    public int AdaptiveThreshold()
    {
        int anomalous = 0;
        foreach (AnomalyScore score in _scores)
        {
            if (AnomalyVerdict.Judge(_threshold, score, FeatureSchema.Red, null, SpotOptions.Default).IsAnomalous)
            {
                anomalous++;
            }
        }

        return anomalous;
    }

    private double Run(IAnomalyModel model, DetectorState state)
    {
        double total = 0;
        foreach (double[] vector in _vectors)
        {
            total += model.Score(state, _window++ * WindowNanos, vector).Score;
        }

        return total;
    }

    // Rate, error ratio and three latency percentiles with a daily rhythm and a few percent of noise.
    private static double[] Vector(int window, Random random)
    {
        double rhythm = Math.Sin(2 * Math.PI * (window % 8640) / 8640);
        double Noise(double scale) => 1 + (scale * (random.NextDouble() - 0.5));
        double rate = (100 + (40 * rhythm)) * Noise(0.1);
        return [rate, 0.01 * Noise(0.5), 20 * (1 + (0.15 * rhythm)) * Noise(0.1), 55 * (1 + (0.15 * rhythm)) * Noise(0.1), 90 * (1 + (0.15 * rhythm)) * Noise(0.15)];
    }
}
