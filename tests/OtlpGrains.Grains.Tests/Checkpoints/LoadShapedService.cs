using Microsoft.Extensions.Time.Testing;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Thresholds;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Tests.Checkpoints;

/// <summary>
/// One service of a load-tool run, without a cluster: the operations and callees the load tool's trace gives every
/// service (it rotates the chain over the services), latencies spread around the shape's durations, and detection
/// scored as the grain scores it (built-in baseline) on every window that closes.
/// </summary>
internal sealed class LoadShapedService
{
    public const long Second = 1_000_000_000;
    public const long Start = 1_700_000_000 * Second;

    private static readonly string[] Operations = ["GET /checkout", "validate cart", "POST /payments", "GET /ledger", "SELECT ledger", "work"];

    // Per operation: duration (ms) in the load tool's shape, and whether its spans are requests of the service.
    private static readonly (double Ms, bool Request)[] Shape = [(10, true), (9, false), (8, false), (7, true), (4, false), (3, false)];

    private static readonly (string Server, bool Virtual)[] Callees = [("load-svc-01", false), ("load-svc-02", false), ("postgresql", true)];

    private static readonly DetectionLineup Spans = new(new DetectorChoice(AnomalyModelRef.Builtin, new BaselineModel(FeatureSchema.Red, BaselineOptions.Default)), null);

    private static readonly DetectionLineup Metrics = new(new DetectorChoice(AnomalyModelRef.Builtin, new BaselineModel(ServiceDetection.MetricsSchema, BaselineOptions.Default)), null);

    private readonly Random _random = new(42);
    private readonly int _spansPerSecond;
    private long _eventTime = Start;

    public LoadShapedService(ServiceWindowOptions options, int spansPerSecond)
    {
        _spansPerSecond = spansPerSecond;
        Clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Start / 1_000_000));
        Statistics = new ServiceStatistics(options, Clock);
    }

    public FakeTimeProvider Clock { get; }

    public ServiceStatistics Statistics { get; }

    public ServiceDetection Detection { get; } = new();

    /// <summary>The event time the next span ends at.</summary>
    public long EventTime => _eventTime;

    /// <summary>Sends <paramref name="seconds"/> of event time, a batch per second, with the clock following event time.</summary>
    public void Run(int seconds)
    {
        for (int s = 0; s < seconds; s++)
        {
            var spans = new ServiceSpan[_spansPerSecond];
            var calls = new List<EdgeCall>();
            long step = Second / _spansPerSecond;
            for (int i = 0; i < spans.Length; i++)
            {
                int operation = i % Operations.Length;
                (double ms, bool request) = Shape[operation];
                long duration = (long)(ms * 1_000_000 * Math.Exp(0.4 * Gaussian()));
                long end = _eventTime + (i * step);
                bool error = request && _random.NextDouble() < 0.01;
                spans[i] = new ServiceSpan(end, duration, operation, SpanKindCode.Server, (request ? SpanRole.Request : SpanRole.None) | (error ? SpanRole.Error : SpanRole.None));
                if (operation is 2 or 3 or 4)
                {
                    var (server, isVirtual) = Callees[operation - 2];
                    calls.Add(new EdgeCall(server, isVirtual, end, duration, error));
                }
            }

            _eventTime += Second;
            Clock.SetUtcNow(DateTimeOffset.FromUnixTimeMilliseconds(_eventTime / 1_000_000));
            Statistics.AddSpans(new ServiceSpanBatch(Guid.NewGuid(), Operations, spans));
            Statistics.AddEdgeCalls([.. calls]);
            Score();
        }
    }

    private void Score()
    {
        IReadOnlyList<ClosedWindow> closed = Statistics.TakeClosedWindows();
        if (closed.Count > 0)
        {
            Detection.Score("load-svc-00", closed, signal => signal == WindowSignal.Spans ? Spans : Metrics, _ => _eventTime, SpotOptions.Default, Statistics.Templates.Info);
        }
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
