using System.Globalization;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// The ASP.NET Core rate limiter's global limiter: a token bucket of <see cref="SecurityOptions.RequestsPerSecond"/>
/// OTLP requests per second per key (per remote address without keys), refilled each second, with no queue. The API
/// port is not limited. A refused request gets HTTP 429 with <c>Retry-After</c>, or RESOURCE_EXHAUSTED with a
/// <c>google.rpc.RetryInfo</c> as the gateway's busy refusal has, and counts as <c>reason="rate"</c>.
/// </summary>
internal static class OtlpRateLimit
{
    /// <summary>The partition of requests the limit does not apply to.</summary>
    private static readonly object Unlimited = new();

    /// <summary>The partition of requests whose remote address is unknown (a Unix socket, a test server).</summary>
    private static readonly object NoAddress = new();

    public static void Configure(RateLimiterOptions options, SecurityOptions security, EndpointAccess access)
    {
        var perSecond = security.RequestsPerSecond;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(perSecond, 1),
            TokensPerPeriod = Math.Max(perSecond, 1),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        Func<object, TokenBucketRateLimiterOptions> factory = _ => bucket;
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, object>(context =>
        {
            // Peers' federation calls share the OTLP/gRPC port but are not exports: their pace is their summary interval.
            if (perSecond == 0 || access.FamilyOf(context) == EndpointFamily.Api || EndpointAccess.IsFederation(context))
            {
                return RateLimitPartition.GetNoLimiter(Unlimited);
            }

            // Keys are one instance each for the host's life, addresses compare by value.
            object owner = context.Features.Get<ApiKey>() ?? (object?)context.Connection.RemoteIpAddress ?? NoAddress;
            return RateLimitPartition.GetTokenBucketLimiter(owner, factory);
        });
        options.OnRejected = (rejected, _) => RefuseAsync(rejected, access, perSecond);
    }

    private static ValueTask RefuseAsync(OnRejectedContext rejected, EndpointAccess access, int perSecond)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
        context.RequestServices.GetRequiredService<GatewayInstruments>().Refused(SignalOf(context.Request.Path), RefusalReason.Rate);
        var who = context.Features.Get<ApiKey>() is { } key ? $"API key '{key.Name}'" : "this address";
        var message = string.Create(CultureInfo.InvariantCulture, $"rate limit: {who} sent more than {perSecond} OTLP requests in a second");
        return new ValueTask(RefusalResponse.WriteAsync(context, access.FamilyOf(context), StatusCode.ResourceExhausted, message, seconds));
    }

    /// <summary>The signal of an OTLP path: <c>/v1/traces</c> or <c>/opentelemetry.proto.collector.trace.v1.TraceService/Export</c>.</summary>
    internal static Signal SignalOf(PathString path)
    {
        var value = path.Value.AsSpan();
        return value.Contains("trace", StringComparison.Ordinal) ? Signal.Traces
            : value.Contains("metric", StringComparison.Ordinal) ? Signal.Metrics
            : Signal.Logs;
    }
}
