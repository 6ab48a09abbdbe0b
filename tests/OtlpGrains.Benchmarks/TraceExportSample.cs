using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// Builds a deterministic trace export request shaped like a collector's batch: one ResourceSpans per service,
/// traces whose spans cross three services, a database and a cache, with semantic-convention attributes.
/// </summary>
internal static class TraceExportSample
{
    public const int ServiceCount = 20;

    public const int TraceCount = 64;

    public const int SpansPerTrace = 8;

    public const int SpanCount = TraceCount * SpansPerTrace;

    private const long BaseUnixNano = 1_767_225_600_000_000_000; // 2026-01-01T00:00:00Z

    private static readonly string[] Routes = ["/api/orders/{id}", "/api/cart", "/api/users/{id}", "/api/search", "/api/checkout"];

    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "PUT"];

    private static readonly string[] Databases = ["postgresql", "mysql", "mongodb"];

    public static ExportTraceServiceRequest Create()
    {
        var perService = new List<Span>[ServiceCount];
        for (var s = 0; s < ServiceCount; s++)
        {
            perService[s] = [];
        }

        var ids = new IdSource(0x5EED_0F_0A11);
        for (var t = 0; t < TraceCount; t++)
        {
            AddTrace(t, ids, perService);
        }

        var request = new ExportTraceServiceRequest();
        for (var s = 0; s < ServiceCount; s++)
        {
            var scope = new ScopeSpans
            {
                Scope = new InstrumentationScope { Name = "OpenTelemetry.Instrumentation.AspNetCore", Version = "1.12.0" },
            };
            scope.Spans.AddRange(perService[s]);
            var resourceSpans = new ResourceSpans { Resource = ResourceOf(s) };
            resourceSpans.ScopeSpans.Add(scope);
            request.ResourceSpans.Add(resourceSpans);
        }

        return request;
    }

    // Frontend SERVER -> CLIENT -> middle SERVER -> (DB CLIENT, CLIENT) -> backend SERVER -> (INTERNAL, cache CLIENT).
    private static void AddTrace(int t, IdSource ids, List<Span>[] perService)
    {
        var traceId = ids.Next(16);
        var front = t % ServiceCount;
        var middle = ((t * 7) + 3) % ServiceCount;
        var back = ((t * 13) + 11) % ServiceCount;
        if (middle == front)
        {
            middle = (middle + 1) % ServiceCount;
        }

        if (back == front || back == middle)
        {
            back = (Math.Max(front, middle) + 1) % ServiceCount;
        }

        var route = Routes[t % Routes.Length];
        var method = Methods[t % Methods.Length];
        var failed = t % 16 == 5; // about 6% of traces end in a 500
        var start = BaseUnixNano + (t * 3_000_000L);

        var root = Server(traceId, ids.Next(8), ByteString.Empty, $"{method} {route}", start, 48_000_000, method, route, Host(front), failed ? 500 : 200);
        var toMiddle = HttpClient(traceId, ids.Next(8), root.SpanId, method, start + 1_000_000, 44_000_000, Host(middle), route, failed ? 500 : 200);
        var middleServer = Server(traceId, ids.Next(8), toMiddle.SpanId, $"{method} {route}", start + 1_500_000, 43_000_000, method, route, Host(middle), failed ? 500 : 200);
        var database = Databases[t % Databases.Length];
        var query = DbClient(traceId, ids.Next(8), middleServer.SpanId, database, start + 2_000_000, 9_000_000);
        var toBack = HttpClient(traceId, ids.Next(8), middleServer.SpanId, "GET", start + 12_000_000, 30_000_000, Host(back), "/internal/inventory", failed ? 503 : 200);
        var backServer = Server(traceId, ids.Next(8), toBack.SpanId, "GET /internal/inventory", start + 12_500_000, 29_000_000, "GET", "/internal/inventory", Host(back), failed ? 503 : 200);
        var work = Internal(traceId, ids.Next(8), backServer.SpanId, start + 13_000_000, 20_000_000, t);
        var cache = CacheClient(traceId, ids.Next(8), backServer.SpanId, start + 34_000_000, 1_200_000);

        perService[front].Add(root);
        perService[front].Add(toMiddle);
        perService[middle].Add(middleServer);
        perService[middle].Add(query);
        perService[middle].Add(toBack);
        perService[back].Add(backServer);
        perService[back].Add(work);
        perService[back].Add(cache);
    }

    private static Span Server(
        ByteString traceId, ByteString spanId, ByteString parentId, string name, long start, long duration,
        string method, string route, string host, int status)
    {
        var span = NewSpan(traceId, spanId, parentId, name, Span.Types.SpanKind.Server, start, duration, status >= 500);
        span.Attributes.Add(Str("http.request.method", method));
        span.Attributes.Add(Str("url.path", route.Replace("{id}", "4711", StringComparison.Ordinal)));
        span.Attributes.Add(Str("url.scheme", "http"));
        span.Attributes.Add(Str("http.route", route));
        span.Attributes.Add(Int("http.response.status_code", status));
        span.Attributes.Add(Str("server.address", host));
        span.Attributes.Add(Int("server.port", 8080));
        span.Attributes.Add(Str("network.protocol.version", "1.1"));
        span.Attributes.Add(Str("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0"));
        return span;
    }

    private static Span HttpClient(
        ByteString traceId, ByteString spanId, ByteString parentId, string method, long start, long duration,
        string host, string path, int status)
    {
        var span = NewSpan(traceId, spanId, parentId, method, Span.Types.SpanKind.Client, start, duration, status >= 500);
        span.Attributes.Add(Str("http.request.method", method));
        span.Attributes.Add(Str("url.full", $"http://{host}:8080{path}"));
        span.Attributes.Add(Str("server.address", host));
        span.Attributes.Add(Int("server.port", 8080));
        span.Attributes.Add(Int("http.response.status_code", status));
        span.Attributes.Add(Str("network.protocol.version", "1.1"));
        return span;
    }

    private static Span DbClient(ByteString traceId, ByteString spanId, ByteString parentId, string database, long start, long duration)
    {
        var span = NewSpan(traceId, spanId, parentId, "SELECT orders", Span.Types.SpanKind.Client, start, duration, failed: false);
        span.Attributes.Add(Str("db.system.name", database));
        span.Attributes.Add(Str("db.namespace", "shop"));
        span.Attributes.Add(Str("db.operation.name", "SELECT"));
        span.Attributes.Add(Str("db.collection.name", "orders"));
        span.Attributes.Add(Str("db.query.text", "SELECT id, status, total FROM orders WHERE customer_id = $1 LIMIT 50"));
        span.Attributes.Add(Str("server.address", database + ".db.internal"));
        span.Attributes.Add(Int("server.port", 5432));
        return span;
    }

    private static Span Internal(ByteString traceId, ByteString spanId, ByteString parentId, long start, long duration, int t)
    {
        var span = NewSpan(traceId, spanId, parentId, "ReserveStock", Span.Types.SpanKind.Internal, start, duration, failed: false);
        span.Attributes.Add(Str("code.function.name", "Inventory.ReserveStock"));
        span.Attributes.Add(Str("code.file.path", "/src/Inventory/StockService.cs"));
        span.Attributes.Add(Int("code.line.number", 128));
        span.Attributes.Add(Int("thread.id", 12 + (t % 8)));
        span.Attributes.Add(Int("inventory.items", 1 + (t % 5)));
        span.Attributes.Add(new KeyValue { Key = "inventory.partial", Value = new AnyValue { BoolValue = t % 9 == 0 } });
        return span;
    }

    private static Span CacheClient(ByteString traceId, ByteString spanId, ByteString parentId, long start, long duration)
    {
        var span = NewSpan(traceId, spanId, parentId, "GET", Span.Types.SpanKind.Client, start, duration, failed: false);
        span.Attributes.Add(Str("db.system.name", "redis"));
        span.Attributes.Add(Str("db.operation.name", "GET"));
        span.Attributes.Add(Str("db.query.text", "GET stock:4711"));
        span.Attributes.Add(Str("db.namespace", "0"));
        span.Attributes.Add(Str("server.address", "redis.cache.internal"));
        span.Attributes.Add(Int("server.port", 6379));
        return span;
    }

    private static Span NewSpan(
        ByteString traceId, ByteString spanId, ByteString parentId, string name, Span.Types.SpanKind kind,
        long start, long duration, bool failed) => new()
        {
            TraceId = traceId,
            SpanId = spanId,
            ParentSpanId = parentId,
            Name = name,
            Kind = kind,
            StartTimeUnixNano = (ulong)start,
            EndTimeUnixNano = (ulong)(start + duration),
            Status = failed ? new Status { Code = Status.Types.StatusCode.Error } : new Status(),
        };

    private static Resource ResourceOf(int service)
    {
        var resource = new Resource();
        resource.Attributes.Add(Str("service.name", ServiceName(service)));
        resource.Attributes.Add(Str("service.version", $"1.{service % 4}.{service}"));
        resource.Attributes.Add(Str("service.instance.id", $"{ServiceName(service)}-7d9f8b6c5-{service:x4}"));
        resource.Attributes.Add(Str("host.name", $"node-{service % 5}.cluster.local"));
        resource.Attributes.Add(Str("deployment.environment.name", "production"));
        resource.Attributes.Add(Str("telemetry.sdk.name", "opentelemetry"));
        resource.Attributes.Add(Str("telemetry.sdk.language", "dotnet"));
        resource.Attributes.Add(Str("telemetry.sdk.version", "1.12.0"));
        return resource;
    }

    private static string ServiceName(int service) => $"service-{service:D2}";

    private static string Host(int service) => ServiceName(service) + ".shop.svc";

    private static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Int(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    /// <summary>Non-zero, reproducible ids (splitmix64), so every run benchmarks the same bytes.</summary>
    private sealed class IdSource(ulong seed)
    {
        private ulong _state = seed;

        public ByteString Next(int length)
        {
            var bytes = new byte[length];
            for (var i = 0; i < length; i += 8)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i), Mix());
            }

            return ByteString.CopyFrom(bytes);
        }

        private ulong Mix()
        {
            var z = _state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return (z ^ (z >> 31)) | 1;
        }
    }
}
