using Google.Protobuf;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Receivers;
using Xunit;
using static OtlpGrains.Gateway.Tests.TraceRequests;

namespace OtlpGrains.Gateway.Tests;

public sealed class OtlpGrpcReceiverTests
{
    [Theory]
    [InlineData((int)IngestStatus.Invalid, StatusCode.InvalidArgument)]
    [InlineData((int)IngestStatus.Busy, StatusCode.ResourceExhausted)]
    [InlineData((int)IngestStatus.Unavailable, StatusCode.Unavailable)]
    public void RefusalsBecomeTheirOtlpStatus(int status, StatusCode expected)
    {
        var refused = Assert.Throws<RpcException>(() => GrpcOutcome.ThrowIfRefused(new IngestOutcome((IngestStatus)status, 0, "why"), 7));

        Assert.Equal(expected, refused.StatusCode);
        Assert.Equal("why", refused.Status.Detail);
    }

    [Fact]
    public void BusyTellsTheSenderWhenToRetryAsOtlpSays()
    {
        var refused = Assert.Throws<RpcException>(() => GrpcOutcome.ThrowIfRefused(new IngestOutcome(IngestStatus.Busy, 0, null), 7));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("busy", refused.Status.Detail);
        Assert.Equal(TimeSpan.FromSeconds(7), RetryDelayIn(refused.Trailers));
    }

    [Theory]
    [InlineData((int)IngestStatus.Invalid)]
    [InlineData((int)IngestStatus.Unavailable)]
    public void OtherRefusalsAddNoRetryInfo(int status)
    {
        var refused = Assert.Throws<RpcException>(() => GrpcOutcome.ThrowIfRefused(new IngestOutcome((IngestStatus)status, 0, null), 7));

        Assert.Null(refused.Trailers.Get("grpc-status-details-bin"));
        Assert.False(string.IsNullOrEmpty(refused.Status.Detail));
    }

    [Theory]
    [InlineData((int)IngestStatus.Accepted)]
    [InlineData((int)IngestStatus.PartiallyAccepted)]
    public void AcceptedOutcomesDoNotThrow(int status) =>
        GrpcOutcome.ThrowIfRefused(new IngestOutcome((IngestStatus)status, 1, "m"), 7);

    /// <summary>google.rpc.Status.details[0] (an Any of google.rpc.RetryInfo) .retry_delay, read field by field.</summary>
    internal static TimeSpan? RetryDelayIn(Metadata trailers)
    {
        var details = trailers.GetValueBytes("grpc-status-details-bin");
        if (details is null)
        {
            return null;
        }

        var any = Field(details, 3);
        Assert.Equal("type.googleapis.com/google.rpc.RetryInfo", Field(any, 1).ToStringUtf8());
        var duration = new CodedInputStream(Field(Field(any, 2), 1).ToByteArray());
        Assert.Equal(WireFormat.MakeTag(1, WireFormat.WireType.Varint), duration.ReadTag());
        return TimeSpan.FromSeconds(duration.ReadInt64());
    }

    private static ByteString Field(ByteString message, int number) => Field(message.ToByteArray(), number);

    private static ByteString Field(byte[] message, int number)
    {
        var input = new CodedInputStream(message);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number)
            {
                return input.ReadBytes();
            }

            input.SkipLastField();
        }

        throw new InvalidOperationException($"no field {number}");
    }

    [Fact]
    public async Task ExportAnswersPartialSuccess()
    {
        var gateway = new GatewayUnderTest();
        var bad = Span(1, 2, parent: 1);
        bad.TraceId = ByteString.Empty;

        var response = await gateway.Grpc.ExportTracesAsync(Request("svc", Span(1, 1), bad), new FakeServerCallContext());

        Assert.Equal(1, response.PartialSuccess.RejectedSpans);
        Assert.Equal("1 spans rejected: trace id must be 16 bytes and not all zero (got 0 bytes)", response.PartialSuccess.ErrorMessage);
        Assert.Equal(2, gateway.Grains.Calls);
    }

    [Fact]
    public async Task ExportWhileBusyIsResourceExhaustedWithRetryAfter()
    {
        var gateway = new GatewayUnderTest(maxInFlightItems: 1);
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Grains.Completion = blocked.Task;
        var holding = gateway.Pipeline.IngestTracesAsync(Request("holder", Span(9, 1)), CancellationToken.None);
        var context = new FakeServerCallContext();

        var refused = await Assert.ThrowsAsync<RpcException>(() => gateway.Grpc.ExportTracesAsync(Request("svc", Span(1, 1)), context));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("gateway busy: 1 items in flight (limit 1); retry later", refused.Status.Detail);
        Assert.Equal(TimeSpan.FromSeconds(GatewayUnderTest.RetryAfterSeconds), RetryDelayIn(refused.Trailers));

        blocked.SetResult();
        Assert.Equal(IngestStatus.Accepted, (await holding).Status);
    }

    [Fact]
    public async Task ExportOfOnlyInvalidSpansIsInvalidArgument()
    {
        var gateway = new GatewayUnderTest();
        var bad = Span(1, 1);
        bad.SpanId = ByteString.CopyFrom(1);

        var refused = await Assert.ThrowsAsync<RpcException>(() => gateway.Grpc.ExportTracesAsync(Request("svc", bad), new FakeServerCallContext()));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("all 1 spans rejected: span id must be 8 bytes and not all zero (got 1 bytes)", refused.Status.Detail);
        Assert.Equal(0, gateway.Grains.Calls);
    }

    [Fact]
    public async Task ExportWhenGrainsFailIsUnavailable()
    {
        var gateway = new GatewayUnderTest();
        gateway.Grains.Failure = new OrleansException("gateway lost");

        var refused = await Assert.ThrowsAsync<RpcException>(() => gateway.Grpc.ExportTracesAsync(Request("svc", Span(1, 1)), new FakeServerCallContext()));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal("cluster unavailable (OrleansException); retry", refused.Status.Detail);
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task AcceptedExportAnswersAnEmptyResponse()
    {
        var gateway = new GatewayUnderTest();

        var response = await gateway.Grpc.ExportTracesAsync(Request("svc", Span(1, 1)), new FakeServerCallContext());

        Assert.Equal(new ExportTraceServiceResponse(), response);
        Assert.Null(response.PartialSuccess);
    }
}
