using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace OtlpGrains.LoadTool;

/// <summary>Which OTLP signal a run sends (<c>--signal</c>).</summary>
internal enum SignalKind
{
    Traces,
    Logs,
}

/// <summary>
/// What differs between the signals the tool sends: the gRPC method, how its answer says what it rejected, what
/// an item is called, and what the exactly-once check reads back per service.
/// </summary>
internal sealed class LoadSignal
{
    public static readonly LoadSignal Traces = new(
        "spans",
        "request spans",
        "opentelemetry.proto.collector.trace.v1.TraceService",
        "v1/traces",
        "rejectedSpans",
        static body => ExportTraceServiceResponse.Parser.ParseFrom(body).PartialSuccess?.RejectedSpans ?? 0,
        ServiceCheck.FetchRequestsAsync);

    public static readonly LoadSignal Logs = new(
        "records",
        "log records",
        "opentelemetry.proto.collector.logs.v1.LogsService",
        "v1/logs",
        "rejectedLogRecords",
        static body => ExportLogsServiceResponse.Parser.ParseFrom(body).PartialSuccess?.RejectedLogRecords ?? 0,
        ServiceCheck.FetchLogTotalsAsync);

    private readonly Func<byte[], long> _rejectedIn;

    private LoadSignal(
        string items,
        string counted,
        string grpcService,
        string httpPath,
        string rejectedJsonField,
        Func<byte[], long> rejectedIn,
        Func<HttpClient, LoadOptions, CancellationToken, Task<Dictionary<string, long>>> fetchCounts)
    {
        Items = items;
        Counted = counted;
        Export = ExportMethod(grpcService, rejectedIn);
        HttpPath = httpPath;
        RejectedJsonField = rejectedJsonField;
        _rejectedIn = rejectedIn;
        FetchCountsAsync = fetchCounts;
    }

    /// <summary>The OTLP/HTTP path, relative to the endpoint.</summary>
    public string HttpPath { get; }

    /// <summary>The partial success's rejected count in an OTLP JSON answer.</summary>
    public string RejectedJsonField { get; }

    /// <summary>The rejected count of a protobuf answer.</summary>
    public long RejectedIn(byte[] answer) => _rejectedIn(answer);

    /// <summary>What one item of a request is called in the report (spans, records).</summary>
    public string Items { get; }

    /// <summary>What the exactly-once check compares per service.</summary>
    public string Counted { get; }

    /// <summary>The unary Export call: the request is already encoded bytes; the answer is read down to its rejected count.</summary>
    public Method<byte[], ExportAnswer> Export { get; }

    /// <summary>Reads the cluster's count per service name of the run, to compare with the acknowledged items.</summary>
    public Func<HttpClient, LoadOptions, CancellationToken, Task<Dictionary<string, long>>> FetchCountsAsync { get; }

    public static LoadSignal Of(SignalKind kind) => kind == SignalKind.Logs ? Logs : Traces;

    private static Method<byte[], ExportAnswer> ExportMethod(string service, Func<byte[], long> rejected) => new(
        MethodType.Unary,
        service,
        "Export",
        Marshallers.Create(static (byte[] body) => body, static body => body),
        // The tool never sends an answer, only reads one.
        Marshallers.Create<ExportAnswer>(static _ => throw new NotSupportedException("answers are only read"), body => new ExportAnswer(rejected(body))));
}

/// <summary>An export's answer, read down to what the tool needs: how many items the partial success rejected.</summary>
internal sealed record ExportAnswer(long Rejected);
