using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Xunit;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// What the multi-cluster tests send and read: spans exported by the OpenTelemetry .NET SDK to a cluster, a request
/// that hops across several clusters, the per-cluster statuses of a federated answer, and a peer's pull counts from
/// <c>/metrics</c>.
/// </summary>
internal static class FederationProbe
{
    /// <summary>"name:status" of every cluster in a federated answer, in the answer's order.</summary>
    public static string[] Statuses(JsonElement body) =>
        [.. body.GetProperty("clusters").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("status").GetString()}")];

    public static JsonElement Cluster(JsonElement body, string name) =>
        body.GetProperty("clusters").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>The cluster a federated services answer names for <paramref name="service"/>; null when absent.</summary>
    public static string? ClusterOf(JsonElement body, string service) =>
        body.GetProperty("services").EnumerateArray().Where(s => s.GetProperty("name").GetString() == service)
            .Select(s => s.GetProperty("cluster").GetString()).FirstOrDefault();

    /// <summary>Reads until <paramref name="check"/> holds or <paramref name="bound"/> has passed; returns the last read.</summary>
    public static async Task<(int Status, JsonElement Body, TimeSpan Took)> EventuallyAsync(
        Func<Task<(int Status, JsonElement Body, TimeSpan Took)>> read,
        Func<(int Status, JsonElement Body, TimeSpan Took), bool> check,
        TimeSpan bound,
        TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var value = await read();
            if (check(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>
    /// <paramref name="cluster"/>'s pulls of <paramref name="peer"/> so far from its <c>/metrics</c>: those that
    /// succeeded and those that did not (any other outcome).
    /// </summary>
    public static async Task<(double Ok, double Failed)> PullsAsync(FederatedClusters.Cluster cluster, string peer)
    {
        using var client = cluster.Api();
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        double ok = 0, failed = 0;
        foreach (var line in metrics.Split('\n'))
        {
            if (!line.StartsWith("otlpgrains_federation_pulls_total{", StringComparison.Ordinal) || !line.Contains($"peer=\"{peer}\"", StringComparison.Ordinal))
            {
                continue;
            }

            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            if (line.Contains("status=\"ok\"", StringComparison.Ordinal))
            {
                ok += value;
            }
            else
            {
                failed += value;
            }
        }

        return (ok, failed);
    }

    /// <summary>Five server spans of <paramref name="service"/>, exported over OTLP/gRPC with the cluster's collector key.</summary>
    public static void Export(FederatedClusters.Cluster cluster, string service)
    {
        using var source = new ActivitySource(service);
        using var provider = Provider(cluster, service, source.Name);
        for (var i = 0; i < 5; i++)
        {
            using var span = source.StartActivity("GET /federated", ActivityKind.Server, default(ActivityContext));
        }

        Assert.True(provider.ForceFlush(15_000), $"the SDK could not export to cluster {cluster.Name}");
    }

    /// <summary>
    /// A request that hops through <paramref name="services"/>, the i-th of which sends its spans to the i-th of
    /// <paramref name="clusters"/>: the first serves it, and each calls the next (a client span in the caller's
    /// cluster, the server span in the callee's). Returns the trace id.
    /// </summary>
    public static string ExportHops(IReadOnlyList<FederatedClusters.Cluster> clusters, IReadOnlyList<string> services)
    {
        var sources = services.Select(s => new ActivitySource(s)).ToArray();
        var providers = sources.Select((s, i) => Provider(clusters[i], services[i], s.Name)).ToArray();
        try
        {
            var spans = new List<Activity> { sources[0].StartActivity("GET /checkout", ActivityKind.Server, default(ActivityContext))! };
            for (var i = 1; i < sources.Length; i++)
            {
                var call = sources[i - 1].StartActivity($"POST /{services[i]}", ActivityKind.Client, spans[^1].Context)!;
                spans.Add(call);
                spans.Add(sources[i].StartActivity($"POST /{services[i]}", ActivityKind.Server, call.Context)!);
            }

            var traceId = spans[0].TraceId.ToHexString();
            for (var i = spans.Count - 1; i >= 0; i--)
            {
                spans[i].Dispose();
            }

            Assert.True(providers.All(p => p.ForceFlush(15_000)), "the SDKs could not export the hopping trace");
            return traceId;
        }
        finally
        {
            foreach (var provider in providers)
            {
                provider.Dispose();
            }

            foreach (var source in sources)
            {
                source.Dispose();
            }
        }
    }

    /// <summary>
    /// <paramref name="front"/> (its spans to <paramref name="a"/>) serves a request and calls each of <paramref name="calls"/>, whose
    /// server spans go to <paramref name="b"/>; each client span names its callee by the given attribute only.
    /// </summary>
    public static void ExportCalls(FederatedClusters.Cluster a, FederatedClusters.Cluster b, string front, params (string Service, string Attribute, string Value)[] calls)
    {
        using var frontSource = new ActivitySource(front);
        using var frontProvider = Provider(a, front, frontSource.Name);
        var backs = calls.Select(c => new ActivitySource(c.Service)).ToArray();
        var backProviders = calls.Select((c, i) => Provider(b, c.Service, backs[i].Name)).ToArray();
        try
        {
            using (frontSource.StartActivity("GET /checkout", ActivityKind.Server, default(ActivityContext)))
            {
                for (var i = 0; i < calls.Length; i++)
                {
                    using var call = frontSource.StartActivity("POST /call", ActivityKind.Client)!;
                    call.SetTag(calls[i].Attribute, calls[i].Value);
                    using var server = backs[i].StartActivity("POST /call", ActivityKind.Server, call.Context);
                }
            }

            Assert.True(frontProvider.ForceFlush(15_000) && backProviders.All(p => p.ForceFlush(15_000)), "the SDKs could not export the calls");
        }
        finally
        {
            foreach (var provider in backProviders)
            {
                provider.Dispose();
            }

            foreach (var source in backs)
            {
                source.Dispose();
            }
        }
    }

    /// <summary>An SDK tracer provider for <paramref name="service"/> that exports to <paramref name="cluster"/> with its collector key.</summary>
    public static TracerProvider Provider(FederatedClusters.Cluster cluster, string service, string source) =>
        Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddSource(source)
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.Grpc;
                o.Endpoint = cluster.OtlpGrpc;
                o.Headers = $"authorization=Bearer {cluster.Secrets["collector"]}";
                o.TimeoutMilliseconds = 10_000;
            })
            .Build()!;
}
