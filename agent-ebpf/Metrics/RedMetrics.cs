using System.Globalization;
using System.Runtime.InteropServices;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Agent.Metrics;

/// <summary>
/// RED metrics per endpoint: every completed exchange lands in a duration histogram of its process, keyed by the
/// semantic-convention attributes (route and method, status code, error.type; rpc.*; db.*). The histogram's count is
/// the request rate, the series with error.type the errors. <see cref="Collect"/> hands out what accumulated since the
/// last call with DELTA temporality and starts afresh: the gateway's ServiceGrain adds up the count and sum of every
/// point it receives per window (MetricWindowState.Add), which is right only for deltas, and a delta aggregator keeps
/// no state for series that went quiet. At most <see cref="MaxSeriesPerProcess"/> series per process and interval;
/// the rest fold into one overflow series per metric (<c>otel.metric.overflow=true</c>), counted in
/// <see cref="Overflowed"/>.
/// </summary>
public sealed class RedMetrics(int maxSeriesPerProcess = 200)
{
    /// <summary>The http.*.request.duration advisory boundaries of the conventions, in seconds.</summary>
    public static readonly double[] HttpBoundsSeconds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>The same boundaries in milliseconds, for rpc.*.duration (unit ms in the conventions).</summary>
    public static readonly double[] RpcBoundsMilliseconds = [.. HttpBoundsSeconds.Select(b => b * 1000)];

    /// <summary>The db.client.operation.duration advisory boundaries, in seconds.</summary>
    public static readonly double[] DbBoundsSeconds = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

    private readonly Lock _gate = new();
    private Dictionary<RedSeriesKey, RedSeries> _series = [];

    /// <summary>The node's id, on every resource as <c>host.id</c>.</summary>
    public string? NodeId { get; init; }
    private Dictionary<int, int> _seriesPerProcess = [];
    private long _overflowed;

    public int MaxSeriesPerProcess => maxSeriesPerProcess;

    /// <summary>Exchanges counted in an overflow series because their process had too many series.</summary>
    public long Overflowed => Interlocked.Read(ref _overflowed);

    /// <summary>Series accumulating now.</summary>
    public int SeriesCount
    {
        get
        {
            lock (_gate)
            {
                return _series.Count;
            }
        }
    }

    public static string NameOf(RedMetric metric) => metric switch
    {
        RedMetric.HttpServer => "http.server.request.duration",
        RedMetric.HttpClient => "http.client.request.duration",
        RedMetric.RpcServer => "rpc.server.duration",
        RedMetric.RpcClient => "rpc.client.duration",
        _ => "db.client.operation.duration",
    };

    /// <summary>Counts one exchange; exchanges no convention covers (Kafka, database server side) are skipped.</summary>
    public void Record(ProcessIdentity process, ProtocolExchange exchange)
    {
        if (!TryKey(process.Pid, exchange, out var key))
        {
            return;
        }

        double seconds = Math.Max(0, Math.Max(exchange.ResponseEndNs, exchange.RequestEndNs) - exchange.RequestStartNs) / 1e9;
        double value = key.Metric is RedMetric.RpcServer or RedMetric.RpcClient ? seconds * 1000 : seconds;
        lock (_gate)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                ref int count = ref CollectionsMarshal.GetValueRefOrAddDefault(_seriesPerProcess, key.Pid, out _);
                if (count >= maxSeriesPerProcess)
                {
                    key = key.ToOverflow();
                    _overflowed++;
                    series = _series.TryGetValue(key, out var overflow) ? overflow : null;
                }
                else
                {
                    count++;
                }

                if (series is null)
                {
                    series = new RedSeries(process, BoundsOf(key.Metric));
                    _series.Add(key, series);
                }
            }

            series.Add(value);
        }
    }

    /// <summary>
    /// The OTLP request for what accumulated since the last collection (one resource per process, delta
    /// histograms from <paramref name="startUnixNano"/> to <paramref name="endUnixNano"/>), or null when nothing did.
    /// </summary>
    public ExportMetricsServiceRequest? Collect(ulong startUnixNano, ulong endUnixNano)
    {
        Dictionary<RedSeriesKey, RedSeries> taken;
        lock (_gate)
        {
            if (_series.Count == 0)
            {
                return null;
            }

            taken = _series;
            _series = [];
            _seriesPerProcess = [];
        }

        var request = new ExportMetricsServiceRequest();
        foreach (var process in taken.GroupBy(s => s.Key.Pid))
        {
            var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = "otlpgrains-agent" } };
            foreach (var metric in process.GroupBy(s => s.Key.Metric).OrderBy(g => g.Key))
            {
                var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
                foreach (var (key, series) in metric)
                {
                    histogram.DataPoints.Add(ToPoint(key, series, startUnixNano, endUnixNano));
                }

                scope.Metrics.Add(new Metric
                {
                    Name = NameOf(metric.Key),
                    Unit = metric.Key is RedMetric.RpcServer or RedMetric.RpcClient ? "ms" : "s",
                    Description = "Duration of requests seen on the wire by the eBPF agent.",
                    Histogram = histogram,
                });
            }

            var resourceMetrics = new ResourceMetrics { Resource = OtlpSpanExporter.ResourceOf(process.First().Value.Process, NodeId) };
            resourceMetrics.ScopeMetrics.Add(scope);
            request.ResourceMetrics.Add(resourceMetrics);
        }

        return request;
    }

    private static double[] BoundsOf(RedMetric metric) => metric switch
    {
        RedMetric.HttpServer or RedMetric.HttpClient => HttpBoundsSeconds,
        RedMetric.RpcServer or RedMetric.RpcClient => RpcBoundsMilliseconds,
        _ => DbBoundsSeconds,
    };

    private static bool TryKey(int pid, ProtocolExchange exchange, out RedSeriesKey key)
    {
        bool server = exchange.Role == ConnectionRole.Server;
        if (exchange.IsGrpc)
        {
            string? grpcError = exchange.GrpcStatusCode is int code and > 0 ? code.ToString(CultureInfo.InvariantCulture) : exchange.IsError ? "error" : null;
            key = new RedSeriesKey(pid, server ? RedMetric.RpcServer : RedMetric.RpcClient, null, null, 0, grpcError,
                exchange.RpcService, exchange.RpcMethod, exchange.GrpcStatusCode ?? -1, null, null, null, null);
            return exchange.Role != ConnectionRole.Unknown;
        }

        switch (exchange.Kind)
        {
            case ProtocolKind.Http1 or ProtocolKind.Http2:
                // error.type: the status code when it is an error by the conventions (5xx; 4xx too on the client).
                string? httpError = exchange.StatusCode >= 500 || (!server && exchange.StatusCode >= 400)
                    ? exchange.StatusCode.ToString(CultureInfo.InvariantCulture)
                    : exchange.StatusCode == 0 && exchange.IsError ? "error" : null;
                string? route = exchange.Path is { } path ? SpanMapper.LowCardinalityPath(path) : null;
                key = new RedSeriesKey(pid, server ? RedMetric.HttpServer : RedMetric.HttpClient, route, exchange.Method ?? "_OTHER",
                    exchange.StatusCode, httpError, null, null, -1, null, null, null, null);
                return exchange.Role != ConnectionRole.Unknown;
            case ProtocolKind.Postgres or ProtocolKind.MySql or ProtocolKind.Redis when exchange.Role == ConnectionRole.Client:
                string? dbError = exchange.IsError ? exchange.ErrorCode ?? "error" : null;
                key = new RedSeriesKey(pid, RedMetric.DbClient, null, null, 0, dbError, null, null, -1,
                    exchange.DbSystemName, exchange.Operation, exchange.DbName, exchange.IsError ? exchange.ErrorCode : null);
                return true;
            default:
                key = default;
                return false;
        }
    }

    private static HistogramDataPoint ToPoint(RedSeriesKey key, RedSeries series, ulong start, ulong end)
    {
        var point = new HistogramDataPoint
        {
            StartTimeUnixNano = start,
            TimeUnixNano = end,
            Count = series.Count,
            Sum = series.Sum,
            Min = series.Min,
            Max = series.Max,
        };
        point.BucketCounts.Add(series.Buckets);
        point.ExplicitBounds.Add(series.Bounds);
        var attributes = point.Attributes;
        if (key.Overflow)
        {
            attributes.Add(new KeyValue { Key = "otel.metric.overflow", Value = new AnyValue { BoolValue = true } });
            return point;
        }

        Add(attributes, "http.request.method", key.Method);
        Add(attributes, key.Metric == RedMetric.HttpServer ? "http.route" : "url.template", key.Route);
        if (key.StatusCode > 0)
        {
            attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = key.StatusCode } });
        }

        if (key.Metric is RedMetric.RpcServer or RedMetric.RpcClient)
        {
            Add(attributes, "rpc.system", "grpc");
            Add(attributes, "rpc.service", key.RpcService);
            Add(attributes, "rpc.method", key.RpcMethod);
            if (key.GrpcStatus >= 0)
            {
                attributes.Add(new KeyValue { Key = "rpc.grpc.status_code", Value = new AnyValue { IntValue = key.GrpcStatus } });
            }
        }

        Add(attributes, "db.system.name", key.DbSystem);
        Add(attributes, "db.operation.name", key.DbOperation);
        Add(attributes, "db.namespace", key.DbNamespace);
        Add(attributes, "db.response.status_code", key.DbStatus);
        Add(attributes, "error.type", key.ErrorType);
        return point;
    }

    private static void Add(Google.Protobuf.Collections.RepeatedField<KeyValue> attributes, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }
    }
}
