using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OtlpGrains.Gateway.Ingest;
using Oracle = OtlpGrains.Gateway.Oracle;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// Metrics and logs requests, bytes to per-service batches: old (Google.Protobuf's tree, then the splitter) and new
/// (the wire reader). The metric figures are per data point (<see cref="MetricExportSample.PointCount"/> per
/// invocation), the log figures per record (<see cref="LogExportSample.RecordCount"/>).
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/OtlpGrains.Benchmarks -- --filter '*SignalIngestBenchmarks*'</c>.</remarks>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[BenchmarkCategory("metrics", "logs")]
public class SignalIngestBenchmarks
{
    private const int Points = MetricExportSample.PointCount;
    private const int Records = LogExportSample.RecordCount;
    private const long Received = 1_767_225_600_000_000_000;

    private static readonly Guid BatchId = new("1a2b3c4d-5e6f-4a0b-8c1d-2e3f4a5b6c7d");

    private byte[] _metrics = [];
    private byte[] _logs = [];

    [GlobalSetup]
    public void Setup()
    {
        _metrics = MetricExportSample.Create().ToByteArray();
        _logs = LogExportSample.Create().ToByteArray();

        var metrics = MetricRequestReader.Read(_metrics, BatchId);
        var logs = LogRequestReader.Read(_logs, BatchId, Received);
        if (metrics.Accepted != Points || metrics.Rejected != 0 || logs.Accepted != Records || logs.Rejected != 0)
        {
            throw new InvalidOperationException($"samples read as {metrics.Accepted}/{metrics.Rejected} points, {logs.Accepted}/{logs.Rejected} records");
        }

        Console.WriteLine($"// samples: {Points} points, {_metrics.Length} B; {Records} records, {_logs.Length} B");
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public int OldMetrics() => Touch(Oracle.MetricRequestSplitter.Split(ExportMetricsServiceRequest.Parser.ParseFrom(_metrics), BatchId));

    [Benchmark(OperationsPerInvoke = Points)]
    public int Metrics() => Touch(MetricRequestReader.Read(_metrics, BatchId));

    [Benchmark(OperationsPerInvoke = Records)]
    public int OldLogs() => Touch(Oracle.LogRequestSplitter.Split(ExportLogsServiceRequest.Parser.ParseFrom(_logs), BatchId, Received));

    [Benchmark(OperationsPerInvoke = Records)]
    public int Logs() => Touch(LogRequestReader.Read(_logs, BatchId, Received));

    private static int Touch<T>(SignalIngestPlan<T> plan) => plan.Accepted + plan.Services.Length + plan.ErrorTraces.Length;
}
