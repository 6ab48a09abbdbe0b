using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OtlpGrains.Agent.Processes;

namespace OtlpGrains.Agent.Export;

/// <summary>
/// Sends the agent's spans to the gateway over OTLP/gRPC: a bounded queue (drops counted, never blocking the
/// capture path), batches of up to <see cref="OtlpExportOptions.MaxBatchSize"/> spans with one resource per
/// discovered service, and retries of UNAVAILABLE / RESOURCE_EXHAUSTED with back-off. Over TLS and with headers (an API
/// key) when <see cref="OtlpExportOptions"/> say so (<see cref="ExportChannel"/>).
/// </summary>
public sealed class OtlpSpanExporter : IAsyncDisposable
{
    private const int MaxAttempts = 5;
    // How often the loop looks whether a batch is full: a full batch waits for it at most this long (and every span at
    // most FlushInterval); each look is a timer and a thread-pool wake-up.
    private static readonly TimeSpan CollectInterval = TimeSpan.FromMilliseconds(200);
    private readonly OtlpExportOptions _options;
    private readonly Channel<(ProcessIdentity Process, AgentSpan Span)> _queue;
    private readonly ExportChannel _channel;
    // TraceService/Export with the request as bytes that TraceRequestWriter encoded (the response is the generated type).
    private static readonly Method<EncodedRequest, ExportTraceServiceResponse> ExportMethod = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.trace.v1.TraceService",
        "Export",
        new Marshaller<EncodedRequest>(
            static (request, context) =>
            {
                var bytes = request.Bytes;
                context.SetPayloadLength(bytes.Count);
                var writer = context.GetBufferWriter();
                bytes.AsSpan().CopyTo(writer.GetSpan(bytes.Count));
                writer.Advance(bytes.Count);
                context.Complete();
            },
            static context => new EncodedRequest(context.PayloadAsNewBuffer())),
        Marshallers.Create(static (ExportTraceServiceResponse response) => Google.Protobuf.MessageExtensions.ToByteArray(response), ExportTraceServiceResponse.Parser.ParseFrom));

    private readonly CallInvoker _invoker;
    private readonly TraceRequestWriter _writer;
    private readonly Task _sender;
    private readonly CancellationTokenSource _stop = new();
    private long _exported;
    private long _dropped;
    private long _failed;

    public OtlpSpanExporter(OtlpExportOptions options)
    {
        _options = options;
        _writer = new TraceRequestWriter { NodeId = options.NodeId };
        _queue = Channel.CreateBounded<(ProcessIdentity, AgentSpan)>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
        _channel = ExportChannel.Open(options);
        _invoker = _channel.Channel.CreateCallInvoker();
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>Spans the gateway acknowledged.</summary>
    public long Exported => Interlocked.Read(ref _exported);

    /// <summary>Spans dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Spans given up after the retries (the gateway refused them or stayed unreachable).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Queues a span without waiting; false (and counted) when the queue is full.</summary>
    public bool Enqueue(ProcessIdentity process, AgentSpan span)
    {
        if (_queue.Writer.TryWrite((process, span)))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Sends what is queued and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _sender;
        await _stop.CancelAsync();
        _stop.Dispose();
        _channel.Dispose();
    }

    private async Task SendLoopAsync()
    {
        // Spans are collected in rounds (every CollectInterval at most) instead of waking the loop for each one: a
        // wake-up per span was a thread-pool hand-off per span, most of the agent's CPU at 20,000 spans/s.
        var collect = _options.FlushInterval < CollectInterval ? _options.FlushInterval : CollectInterval;
        var batch = new List<(ProcessIdentity Process, AgentSpan Span)>(_options.MaxBatchSize);
        var reader = _queue.Reader;
        long first = 0;
        while (true)
        {
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var item))
            {
                if (batch.Count == 0)
                {
                    first = Stopwatch.GetTimestamp();
                }

                batch.Add(item);
            }

            if (batch.Count == 0)
            {
                // Idle: sleep until a span comes (or the queue completes).
                if (!await reader.WaitToReadAsync())
                {
                    return;
                }

                continue;
            }

            // Completion is only set once the queue is also empty: then the last partial batch goes at once.
            if (batch.Count >= _options.MaxBatchSize || reader.Completion.IsCompleted || Stopwatch.GetElapsedTime(first) >= _options.FlushInterval)
            {
                await SendAsync(batch);
                batch.Clear();
                continue;
            }

            await Task.Delay(collect);
        }
    }

    private async Task SendAsync(List<(ProcessIdentity Process, AgentSpan Span)> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var request = _writer.Write(batch);
        try
        {
            await SendAsync(new EncodedRequest(request), batch.Count);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(request.Array!);
        }
    }

    private async Task SendAsync(EncodedRequest request, int spans)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await _invoker.AsyncUnaryCall(ExportMethod, null, new CallOptions(_channel.Headers, DateTime.UtcNow.AddSeconds(10), _stop.Token), request);
                var rejected = response.PartialSuccess?.RejectedSpans ?? 0;
                Interlocked.Add(ref _exported, spans - rejected);
                Interlocked.Add(ref _failed, rejected);
                return;
            }
            catch (RpcException exception) when (attempt < MaxAttempts
                && exception.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded)
            {
                await Task.Delay(TimeSpan.FromMilliseconds((100 << attempt) + Random.Shared.Next(100)));
            }
            catch (RpcException)
            {
                Interlocked.Add(ref _failed, spans);
                return;
            }
        }
    }

    /// <summary>The OTLP resource of a process (shared with the RED metrics, so spans and metrics land on the same service).</summary>
    /// <param name="nodeId">The node's id, as <c>host.id</c> (<see cref="OtlpExportOptions.NodeId"/>); none when null.</param>
    internal static Resource ResourceOf(ProcessIdentity process, string? nodeId = null)
    {
        var resource = new Resource();
        Add(resource, "service.name", process.ServiceName);
        resource.Attributes.Add(new KeyValue { Key = "process.pid", Value = new AnyValue { IntValue = process.Pid } });
        Add(resource, "process.executable.name", process.ExecutableName);
        Add(resource, "process.command_line", process.CommandLine);
        Add(resource, "container.id", process.ContainerId);
        Add(resource, "k8s.pod.uid", process.PodUid);
        Add(resource, "host.id", nodeId);
        Add(resource, "telemetry.sdk.name", "otlpgrains-agent");
        return resource;
    }

    private static void Add(Resource resource, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            resource.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }
    }

    // The request bytes TraceRequestWriter encoded (gRPC wants a reference type for the request).
    private sealed class EncodedRequest(ArraySegment<byte> bytes)
    {
        public ArraySegment<byte> Bytes { get; } = bytes;
    }
}
