using System.Collections.Concurrent;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Puts the new services a request names to the service catalog before any of their grains is called, so that the
/// cluster's service limits hold (<c>OtlpGrains:Limits</c>, enforced by the catalog). A name this gateway has seen
/// admitted passes without a call, so only a request that names a service new to this gateway makes one, for all its
/// new names at once.
/// </summary>
internal sealed class ServiceAdmission(IGrainFactory grains)
{
    /// <summary>Names remembered as admitted; past this the memory is dropped and rebuilt (the limits bound it anyway).</summary>
    private const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<string, byte> _admitted = new(StringComparer.Ordinal);

    /// <summary>The services of <paramref name="services"/> refused for <paramref name="key"/>, or null when all are admitted.</summary>
    public async ValueTask<HashSet<string>?> RefusedAsync<TBatch>(KeyValuePair<string, TBatch>[] services, string? key)
    {
        List<string>? unknown = null;
        foreach (var (service, _) in services)
        {
            if (!_admitted.ContainsKey(service))
            {
                (unknown ??= []).Add(service);
            }
        }

        if (unknown is null)
        {
            return null;
        }

        string[] refused = await grains.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).AdmitAsync([.. unknown], key ?? "");
        if (_admitted.Count + unknown.Count > MaxRemembered)
        {
            _admitted.Clear();
        }

        var refusedSet = refused.Length == 0 ? null : new HashSet<string>(refused, StringComparer.Ordinal);
        foreach (string service in unknown)
        {
            if (refusedSet?.Contains(service) != true)
            {
                _admitted.TryAdd(service, 0);
            }
        }

        return refusedSet;
    }

    /// <summary>A trace plan without the refused services' spans, in its service batches and in its traces.</summary>
    public static (TraceIngestPlan Plan, int Refused) Without(TraceIngestPlan plan, HashSet<string> refused)
    {
        int spans = plan.Services.Where(s => refused.Contains(s.Key)).Sum(s => s.Value.Spans.Length);
        var traces = new List<TraceSpanBatch>(plan.Traces.Length);
        foreach (TraceSpanBatch batch in plan.Traces)
        {
            TraceSpan[] kept = [.. batch.Spans.Where(span => !refused.Contains(span.Service))];
            if (kept.Length == batch.Spans.Length)
            {
                traces.Add(batch);
            }
            else if (kept.Length > 0)
            {
                traces.Add(batch with { Spans = kept });
            }
        }

        var trimmed = plan with
        {
            Services = [.. plan.Services.Where(s => !refused.Contains(s.Key))],
            Traces = [.. traces],
            Halves = [.. plan.Halves.Select(h => h.Without(refused)).OfType<ShardHalves>()],
            Accepted = plan.Accepted - spans,
            Rejected = plan.Rejected + spans,
            RejectReason = Reason(plan.RejectReason, refused.Count),
        };
        return (trimmed, spans);
    }

    /// <summary>A metrics or logs plan without the refused services' batches.</summary>
    public static (SignalIngestPlan<TBatch> Plan, int Refused) Without<TBatch>(SignalIngestPlan<TBatch> plan, HashSet<string> refused, Func<TBatch, int> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        int refusedItems = plan.Services.Where(s => refused.Contains(s.Key)).Sum(s => items(s.Value));
        var trimmed = plan with
        {
            Services = [.. plan.Services.Where(s => !refused.Contains(s.Key))],
            Accepted = plan.Accepted - refusedItems,
            Rejected = plan.Rejected + refusedItems,
            RejectReason = Reason(plan.RejectReason, refused.Count),
        };
        return (trimmed, refusedItems);
    }

    private static string Reason(string? earlier, int services)
    {
        string limit = $"{services} new service(s) beyond the service limit (OtlpGrains:Limits)";
        return earlier is null ? limit : $"{earlier}; {limit}";
    }
}
