using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;
using Xunit;
using static OtlpGrains.Gateway.Tests.TraceRequests;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;

namespace OtlpGrains.Gateway.Tests;

public sealed class TraceRequestReaderTests
{
    private static readonly Guid BatchId = new("0b8c7d6e-5f4a-4b3c-9d2e-1f0a9b8c7d6e");

    [Fact]
    public void GroupsSpansIntoOneBatchPerServiceAndOnePerTrace()
    {
        var request = Request(
            Resource(
                Service("checkout", "shop"),
                [Span(1, 1, kind: SpanKind.Server, name: "GET /cart"), Span(1, 2, parent: 1, kind: SpanKind.Client, name: "SELECT")],
                [Span(2, 3, kind: SpanKind.Server, name: "GET /cart"), Span(2, 4, parent: 3, kind: SpanKind.Client, name: "SELECT")]),
            Resource(Service("payments"), [Span(1, 5, parent: 2, kind: SpanKind.Server, name: "POST /pay")]),
            Resource(Service("payments"), [Span(3, 6, kind: SpanKind.Server, name: "POST /pay"), Span(3, 7, parent: 6, name: "sign")]));

        var plan = Plans.Traces(request, BatchId);

        Assert.Equal(7, plan.Accepted);
        Assert.Equal(0, plan.Rejected);
        Assert.Null(plan.RejectReason);

        Assert.Equal(["payments", "shop/checkout"], plan.Services.Select(s => s.Key).Order(StringComparer.Ordinal));
        var checkout = plan.Services.Single(s => s.Key == "shop/checkout").Value;
        var payments = plan.Services.Single(s => s.Key == "payments").Value;
        Assert.Equal(BatchId, checkout.BatchId);
        Assert.Equal(BatchId, payments.BatchId);

        // Each span name once per batch, spans pointing at it by index.
        Assert.Equal(["GET /cart", "SELECT"], checkout.Operations);
        Assert.Equal(["GET /cart", "SELECT", "GET /cart", "SELECT"], checkout.Spans.Select(s => checkout.Operations[s.Operation]));
        Assert.Equal(["POST /pay", "sign"], payments.Operations);
        Assert.Equal(["POST /pay", "POST /pay", "sign"], payments.Spans.Select(s => payments.Operations[s.Operation]));

        // Each service span keeps its id, which ties it to the log lines written in it.
        Assert.Equal([1UL, 2UL, 3UL, 4UL], checkout.Spans.Select(s => s.SpanId));
        Assert.Equal([5UL, 6UL, 7UL], payments.Spans.Select(s => s.SpanId));

        Assert.Equal([TraceKey(1), TraceKey(2), TraceKey(3)], plan.Traces.Select(t => t.TraceId.ToString()).Order(StringComparer.Ordinal));
        var trace1 = plan.Traces.Single(t => t.TraceId.ToString() == TraceKey(1));
        Assert.Equal(BatchId, plan.BatchId);
        Assert.Equal([1UL, 2UL, 5UL], trace1.Spans.Select(s => s.SpanId).Order());
        Assert.Equal(
            ["shop/checkout", "shop/checkout", "payments"],
            trace1.Spans.OrderBy(s => s.SpanId).Select(s => s.Service));
        Assert.Equal([3UL, 4UL], plan.Traces.Single(t => t.TraceId.ToString() == TraceKey(2)).Spans.Select(s => s.SpanId).Order());
        Assert.Equal([6UL, 7UL], plan.Traces.Single(t => t.TraceId.ToString() == TraceKey(3)).Spans.Select(s => s.SpanId).Order());
    }

    [Fact]
    public void EachServiceBatchNamesItsSlowestRequestAndItsLastFailedOneAsTraceExemplars()
    {
        var failedEarly = Span(1, 1, kind: SpanKind.Server, name: "GET /a", durationNanos: 2_000_000);
        failedEarly.Status = new Status { Code = Status.Types.StatusCode.Error };
        var slow = Span(2, 2, kind: SpanKind.Server, name: "GET /b", durationNanos: 90_000_000);
        var failedLate = Span(3, 3, kind: SpanKind.Server, name: "GET /a", durationNanos: 5_000_000);
        failedLate.Status = new Status { Code = Status.Types.StatusCode.Error };

        // A slower client span is no request of the service: it is no exemplar.
        var slowCall = Span(2, 4, parent: 2, kind: SpanKind.Client, name: "SELECT", durationNanos: 80_000_000);
        var quiet = Span(5, 5, kind: SpanKind.Server, name: "GET /c");
        quiet.Status = new Status { Code = Status.Types.StatusCode.Error };

        var plan = Plans.Traces(Request(Resource(Service("shop"), [failedEarly, slow, failedLate, slowCall]), Resource(Service("quiet"), [quiet])), BatchId);

        var shop = plan.Services.Single(s => s.Key == "shop").Value;
        Assert.Collection(
            shop.Exemplars,
            slowest =>
            {
                Assert.Equal(TraceKey(2), slowest.Trace.ToString());
                Assert.Equal("GET /b", shop.Operations[slowest.Operation]);
                Assert.Equal(90_000_000, slowest.DurationNanos);
                Assert.False(slowest.Failed);
            },
            failed =>
            {
                Assert.Equal(TraceKey(3), failed.Trace.ToString());
                Assert.Equal("GET /a", shop.Operations[failed.Operation]);
                Assert.True(failed.Failed);
            });

        // A batch whose slowest request is its last failure names it once.
        var only = Assert.Single(plan.Services.Single(s => s.Key == "quiet").Value.Exemplars);
        Assert.Equal(TraceKey(5), only.Trace.ToString());
        Assert.True(only.Failed);
    }

    [Fact]
    public void EachTraceBatchCarriesItsSpansAttributesAsEncodedUpToTheLimitPerSpan()
    {
        var plain = Span(1, 1, kind: SpanKind.Server);
        plain.Attributes.Add(Attr("http.request.method", "GET"));
        plain.Attributes.Add(Attr("http.response.status_code", 200));
        var bare = Span(1, 2, parent: 1);

        // A span whose id is missing is refused: its attributes must not land on the next span.
        var refused = Span(1, 3, parent: 1);
        refused.Attributes.Add(Attr("refused", "yes"));
        refused.SpanId = ByteString.Empty;

        // Past the limit a whole attribute is left out; a smaller one after it still fits.
        var large = Span(2, 4);
        large.Attributes.Add(Attr("first", new string('a', 3000)));
        large.Attributes.Add(Attr("too.big", new string('b', 2000)));
        large.Attributes.Add(Attr("last", 7));

        var plan = Plans.Traces(Request("svc", plain, bare, refused, large), BatchId);

        var one = plan.Traces.Single(t => t.TraceId.ToString() == TraceKey(1));
        Assert.Equal([1UL, 2UL], one.Spans.Select(s => s.SpanId));
        Assert.Equal(new Span { Attributes = { plain.Attributes } }.ToByteArray(), one.Attributes!.Of(0).ToArray());
        Assert.True(one.Attributes.Of(1).IsEmpty);

        var two = plan.Traces.Single(t => t.TraceId.ToString() == TraceKey(2));
        Assert.Equal(new Span { Attributes = { large.Attributes[0], large.Attributes[2] } }.ToByteArray(), two.Attributes!.Of(0).ToArray());
        Assert.True(two.Attributes.Of(0).Length <= SpanAttributes.MaxBytesPerSpan);

        // A trace without attributes costs no array, nor does one read with attributes off.
        var none = Plans.Traces(Request("svc", Span(3, 5)), BatchId);
        Assert.Null(Assert.Single(none.Traces).Attributes);
        var off = TraceRequestReader.Read(Request("svc", plain).ToByteArray(), BatchId, keepAttributes: false);
        Assert.Null(Assert.Single(off.Traces).Attributes);
    }

    [Fact]
    public void TraceKeyIsTheIdInLowercaseHexAndSpanIdsAreBigEndian()
    {
        byte[] traceId = [0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89, 0x9A, 0xBC, 0xDE, 0xF0, 0x0F, 0xED, 0xCB, 0xA9];
        var span = Span(1, 1, parent: 9);
        span.TraceId = ByteString.CopyFrom(traceId);
        span.SpanId = ByteString.CopyFrom(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xF8);
        span.ParentSpanId = ByteString.CopyFrom(0xF1, 0, 0, 0, 0, 0, 0, 0x02);

        var plan = Plans.Traces(Request("svc", span), BatchId);

        var (key, spans) = Assert.Single(plan.Traces);
        Assert.Equal("abcdef01234567899abcdef00fedcba9", key.ToString());
        var traceSpan = Assert.Single(spans);
        Assert.Equal(0x01020304050607F8UL, traceSpan.SpanId);
        Assert.Equal(0xF100000000000002UL, traceSpan.ParentSpanId);
    }

    [Fact]
    public void RequestWithNoSpansIsAnEmptyPlan()
    {
        var plan = Plans.Traces(Request(Resource(Service("idle"), [])), BatchId);

        Assert.Empty(plan.Services);
        Assert.Empty(plan.Traces);
        Assert.Equal(0, plan.Accepted);
        Assert.Equal(0, plan.Rejected);
    }

    [Theory]
    [InlineData(SpanKind.Server, true, SpanRole.Request)]
    [InlineData(SpanKind.Consumer, true, SpanRole.Request)]
    [InlineData(SpanKind.Client, true, SpanRole.None)]
    [InlineData(SpanKind.Producer, true, SpanRole.None)]
    [InlineData(SpanKind.Internal, true, SpanRole.None)]
    [InlineData(SpanKind.Unspecified, true, SpanRole.None)]
    [InlineData(SpanKind.Server, false, SpanRole.Request | SpanRole.Root)]
    [InlineData(SpanKind.Client, false, SpanRole.Request | SpanRole.Root)]
    [InlineData(SpanKind.Internal, false, SpanRole.Request | SpanRole.Root)]
    [InlineData(SpanKind.Producer, false, SpanRole.Request | SpanRole.Root)]
    public void RequestRoleGoesToServerAndConsumerSpansAndToEveryRoot(SpanKind kind, bool hasParent, SpanRole expected)
    {
        var (serviceSpan, traceSpan) = SplitOne(Span(1, 2, parent: hasParent ? (byte)1 : (byte)0, kind: kind));

        Assert.Equal(expected, serviceSpan.Role);
        Assert.Equal((SpanKindCode)kind, serviceSpan.Kind);
        Assert.Equal((SpanKindCode)kind, traceSpan.Kind);
        Assert.Equal(hasParent ? 1UL : 0UL, traceSpan.ParentSpanId);
        Assert.False(traceSpan.IsError);
    }

    [Fact]
    public void UnknownSpanKindIsUnspecified()
    {
        var (serviceSpan, traceSpan) = SplitOne(Span(1, 2, parent: 1, kind: (SpanKind)9));

        Assert.Equal(SpanKindCode.Unspecified, serviceSpan.Kind);
        Assert.Equal(SpanKindCode.Unspecified, traceSpan.Kind);
    }

    [Theory]
    [InlineData(Status.Types.StatusCode.Error, true)]
    [InlineData(Status.Types.StatusCode.Ok, false)]
    [InlineData(Status.Types.StatusCode.Unset, false)]
    public void StatusErrorMarksTheSpanFailed(Status.Types.StatusCode code, bool failed)
    {
        var span = Span(1, 2, parent: 1, kind: SpanKind.Server);
        span.Status = new Status { Code = code, Message = "m" };

        var (serviceSpan, traceSpan) = SplitOne(span);

        Assert.Equal(failed ? SpanRole.Request | SpanRole.Error : SpanRole.Request, serviceSpan.Role);
        Assert.Equal(failed, traceSpan.IsError);
        Assert.Equal((byte)code, traceSpan.StatusCode);
    }

    [Theory]
    [InlineData("http.response.status_code", 500, true)]
    [InlineData("http.response.status_code", 503, true)]
    [InlineData("http.response.status_code", 499, false)]
    [InlineData("http.response.status_code", 200, false)]
    [InlineData("http.status_code", 500, true)]
    [InlineData("http.status_code", 404, false)]
    [InlineData("rpc.grpc.status_code", 0, false)]
    [InlineData("rpc.grpc.status_code", 2, true)]
    [InlineData("rpc.grpc.status_code", 14, true)]
    [InlineData("rpc.grpc.status_code", 3, false)] // INVALID_ARGUMENT: the caller's fault, not the server's
    [InlineData("rpc.grpc.status_code", 5, false)] // NOT_FOUND
    [InlineData("other.status_code", 500, false)]
    public void IntegerStatusAttributesMarkTheSpanFailed(string key, long value, bool failed)
    {
        var span = Span(1, 2, parent: 1, kind: SpanKind.Server);
        span.Attributes.Add(Attr(key, value));

        var (serviceSpan, traceSpan) = SplitOne(span);

        Assert.Equal(failed, serviceSpan.Role.HasFlag(SpanRole.Error));
        Assert.Equal(failed, traceSpan.IsError);
        Assert.Equal(0, traceSpan.StatusCode);
    }

    [Theory]
    [InlineData(SpanKind.Server, 3, false)]
    [InlineData(SpanKind.Server, 13, true)]
    [InlineData(SpanKind.Client, 3, true)] // for the caller every status but OK failed
    [InlineData(SpanKind.Client, 0, false)]
    [InlineData(SpanKind.Producer, 5, true)]
    public void GrpcStatusFailsByTheSpansKind(SpanKind kind, long code, bool failed)
    {
        var span = Span(1, 2, parent: 1, kind: kind);
        span.Attributes.Add(Attr("rpc.grpc.status_code", code));

        var (serviceSpan, traceSpan) = SplitOne(span);

        Assert.Equal(failed, serviceSpan.Role.HasFlag(SpanRole.Error));
        Assert.Equal(failed, traceSpan.IsError);
    }

    [Theory]
    [InlineData("http.response.status_code", "500", true)]
    [InlineData("http.response.status_code", "404", false)]
    [InlineData("http.status_code", "502", true)]
    [InlineData("http.status_code", "not a number", false)]
    [InlineData("rpc.grpc.status_code", "0", false)]
    [InlineData("rpc.grpc.status_code", "13", true)]
    [InlineData("rpc.grpc.status_code", "", false)]
    public void StringStatusAttributesMarkTheSpanFailed(string key, string value, bool failed)
    {
        var span = Span(1, 2, parent: 1, kind: SpanKind.Server);
        span.Attributes.Add(Attr(key, value));

        var (serviceSpan, traceSpan) = SplitOne(span);

        Assert.Equal(failed, serviceSpan.Role.HasFlag(SpanRole.Error));
        Assert.Equal(failed, traceSpan.IsError);
    }

    [Fact]
    public void DoubleHttpStatusCountsToo()
    {
        var span = Span(1, 2, parent: 1, kind: SpanKind.Server);
        span.Attributes.Add(Attr("http.response.status_code", 500.0));

        Assert.True(SplitOne(span).Trace.IsError);
    }

    [Fact]
    public void FailedClientSpanIsAnErrorButNotARequest()
    {
        var span = Span(1, 2, parent: 1, kind: SpanKind.Client);
        span.Attributes.Add(Attr("http.response.status_code", 503L));

        var (serviceSpan, traceSpan) = SplitOne(span);

        Assert.Equal(SpanRole.Error, serviceSpan.Role);
        Assert.True(traceSpan.IsError);
    }

    [Theory]
    [InlineData("cart", "postgresql", "mysql", "db.internal", "cart")]
    [InlineData(null, "postgresql", "mysql", "db.internal", "postgresql")]
    [InlineData(null, null, "mysql", "db.internal", "mysql")]
    [InlineData(null, null, null, "db.internal", "db.internal")]
    [InlineData("", null, null, "db.internal", "db.internal")]
    [InlineData(null, null, null, null, null)]
    public void ClientPeerFollowsThePreferenceOrder(string? peerService, string? dbSystemName, string? dbSystem, string? serverAddress, string? expected)
    {
        KeyValue[] attributes = [.. Present(("server.address", serverAddress), ("db.system", dbSystem), ("db.system.name", dbSystemName), ("peer.service", peerService))];

        foreach (var kind in new[] { SpanKind.Client, SpanKind.Producer })
        {
            // Both attribute orders: the preference must not depend on where an attribute sits.
            foreach (var ordered in new[] { attributes, attributes.Reverse().ToArray() })
            {
                var span = Span(1, 2, parent: 1, kind: kind);
                span.Attributes.Add(ordered);

                Assert.Equal(expected, SplitOne(span).Trace.Peer);
            }
        }
    }

    [Theory]
    [InlineData(SpanKind.Server)]
    [InlineData(SpanKind.Consumer)]
    [InlineData(SpanKind.Internal)]
    public void OnlyCallersHaveAPeer(SpanKind kind)
    {
        var span = Span(1, 2, parent: 1, kind: kind);
        span.Attributes.Add([Attr("peer.service", "cart"), Attr("db.system", "redis"), Attr("server.address", "cache")]);

        Assert.Null(SplitOne(span).Trace.Peer);
    }

    [Fact]
    public void EmptyDbSystemNameFallsBackToDbSystem()
    {
        var span = Span(1, 2, parent: 1, kind: SpanKind.Client);
        span.Attributes.Add([Attr("db.system", "mysql"), Attr("db.system.name", ""), Attr("server.address", "db.internal")]);

        Assert.Equal("mysql", SplitOne(span).Trace.Peer);
    }

    [Theory]
    [InlineData("cart", "shop", null, "shop/cart")]
    [InlineData("cart", null, null, "cart")]
    [InlineData("cart", "", "deploy", "cart")]
    [InlineData(null, null, "cart-deploy", "cart-deploy")]
    [InlineData("", "shop", "cart-deploy", "shop/cart-deploy")]
    [InlineData(null, "shop", null, "unknown_service")]
    [InlineData(null, null, null, "unknown_service")]
    public void ServiceIdentityUsesNamespaceNameThenDeploymentThenUnknown(string? name, string? serviceNamespace, string? deployment, string expected)
    {
        var resource = new Resource { Attributes = { Present(("k8s.deployment.name", deployment), ("service.namespace", serviceNamespace), ("service.name", name)) } };
        resource.Attributes.Add(Attr("host.name", "node-1"));

        Assert.Equal(expected, Plans.ServiceOf(resource));

        var plan = Plans.Traces(Request(Resource(resource, [Span(1, 1)])), BatchId);
        Assert.Equal(expected, Assert.Single(plan.Services).Key);
        Assert.Equal(expected, Assert.Single(Assert.Single(plan.Traces).Spans).Service);
    }

    [Fact]
    public void MissingResourceAndNonStringNameAreUnknownService()
    {
        Assert.Equal(ServiceIdentity.Unknown, Plans.ServiceOf(null));
        Assert.Equal(ServiceIdentity.Unknown, Plans.ServiceOf(new Resource { Attributes = { Attr("service.name", 42L) } }));

        var plan = Plans.Traces(Request(Resource(null, [Span(1, 1)])), BatchId);

        Assert.Equal("unknown_service", Assert.Single(plan.Services).Key);
    }

    public static TheoryData<string, Func<Span, Span>, string> BadIds => new()
    {
        { "empty trace id", s => With(s, trace: ByteString.Empty), "trace id must be 16 bytes and not all zero (got 0 bytes)" },
        { "short trace id", s => With(s, trace: ByteString.CopyFrom(new byte[15] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })), "trace id must be 16 bytes and not all zero (got 15 bytes)" },
        { "long trace id", s => With(s, trace: ByteString.CopyFrom(Enumerable.Repeat((byte)1, 17).ToArray())), "trace id must be 16 bytes and not all zero (got 17 bytes)" },
        { "zero trace id", s => With(s, trace: ByteString.CopyFrom(new byte[16])), "trace id must be 16 bytes and not all zero (got 16 bytes)" },
        { "empty span id", s => With(s, span: ByteString.Empty), "span id must be 8 bytes and not all zero (got 0 bytes)" },
        { "short span id", s => With(s, span: ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7)), "span id must be 8 bytes and not all zero (got 7 bytes)" },
        { "zero span id", s => With(s, span: ByteString.CopyFrom(new byte[8])), "span id must be 8 bytes and not all zero (got 8 bytes)" },
        { "short parent", s => With(s, parent: ByteString.CopyFrom(1, 2, 3, 4)), "parent span id must be empty or 8 bytes (got 4 bytes)" },
        { "long parent", s => With(s, parent: ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8, 9)), "parent span id must be empty or 8 bytes (got 9 bytes)" },
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public void InvalidIdsRejectTheSpanOnly(string what, Func<Span, Span> spoil, string reason)
    {
        var plan = Plans.Traces(Request("svc", Span(1, 1), spoil(Span(1, 2, parent: 1)), Span(1, 3, parent: 1)), BatchId);

        Assert.True(plan.Rejected == 1, what);
        Assert.Equal(2, plan.Accepted);
        Assert.Equal(reason, plan.RejectReason);
        Assert.Equal(2, Assert.Single(plan.Services).Value.Spans.Length);
        Assert.Equal([1UL, 3UL], Assert.Single(plan.Traces).Spans.Select(s => s.SpanId));
    }

    [Fact]
    public void ReasonIsTheFirstProblemAndEveryBadSpanIsCounted()
    {
        var plan = Plans.Traces(
            Request(
                Resource(Service("a"), [With(Span(1, 1), span: ByteString.Empty)]),
                Resource(Service("b"), [With(Span(2, 2), trace: ByteString.Empty), Span(3, 3)])),
            BatchId);

        Assert.Equal(2, plan.Rejected);
        Assert.Equal(1, plan.Accepted);
        Assert.StartsWith("span id must be 8 bytes", plan.RejectReason, StringComparison.Ordinal);

        // A service whose spans were all rejected gets no batch.
        Assert.Equal("b", Assert.Single(plan.Services).Key);
        Assert.Equal(TraceKey(3), Assert.Single(plan.Traces).TraceId.ToString());
    }

    [Fact]
    public void AllInvalidLeavesNoBatches()
    {
        var plan = Plans.Traces(Request("svc", With(Span(1, 1), trace: ByteString.Empty), With(Span(1, 2), span: ByteString.Empty)), BatchId);

        Assert.Equal(0, plan.Accepted);
        Assert.Equal(2, plan.Rejected);
        Assert.Empty(plan.Services);
        Assert.Empty(plan.Traces);
    }

    [Fact]
    public void DurationIsEndMinusStartAndNeverNegative()
    {
        var normal = Span(1, 1, durationNanos: 2_500);
        var backwards = Span(1, 2, parent: 1);
        backwards.StartTimeUnixNano = Start + 1_000;
        backwards.EndTimeUnixNano = Start;

        var plan = Plans.Traces(Request("svc", normal, backwards), BatchId);

        var spans = Assert.Single(plan.Services).Value.Spans;
        Assert.Equal(2_500, spans[0].DurationNanos);
        Assert.Equal((long)(Start + 1 + 2_500), spans[0].EndUnixNano);
        Assert.Equal(0, spans[1].DurationNanos);
        Assert.Equal((long)Start, spans[1].EndUnixNano);

        var traceSpan = Assert.Single(plan.Traces).Spans[1];
        Assert.Equal((long)(Start + 1_000), traceSpan.StartUnixNano);
        Assert.Equal((long)Start, traceSpan.EndUnixNano);
    }

    [Fact]
    public void AllZeroParentMakesARootForServiceAndTrace()
    {
        var span = Span(1, 2, kind: SpanKind.Internal);
        span.ParentSpanId = ByteString.CopyFrom(new byte[8]);

        var (serviceSpan, traceSpan) = SplitOne(span);

        // The all-zero id is OpenTelemetry's "no parent": a root, counted as a request, on both paths.
        Assert.Equal(SpanRole.Root | SpanRole.Request, serviceSpan.Role);
        Assert.Equal(0UL, traceSpan.ParentSpanId);
    }

    private static (ServiceSpan Service, TraceSpan Trace) SplitOne(Span span)
    {
        var plan = Plans.Traces(Request("svc", span), BatchId);
        Assert.Equal(1, plan.Accepted);
        var serviceSpan = Assert.Single(Assert.Single(plan.Services).Value.Spans);
        var traceSpan = Assert.Single(Assert.Single(plan.Traces).Spans);
        return (serviceSpan, traceSpan);
    }

    private static Span With(Span original, ByteString? trace = null, ByteString? span = null, ByteString? parent = null)
    {
        var changed = original.Clone();
        changed.TraceId = trace ?? changed.TraceId;
        changed.SpanId = span ?? changed.SpanId;
        changed.ParentSpanId = parent ?? changed.ParentSpanId;
        return changed;
    }

    private static IEnumerable<KeyValue> Present(params (string Key, string? Value)[] attributes) =>
        attributes.Where(a => a.Value is not null).Select(a => Attr(a.Key, a.Value!));
}
