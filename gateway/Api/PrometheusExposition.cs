using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// What <c>/metrics</c> serves, in a prometheus-net registry of this host's own: the host's OtlpGrains meters and
/// Orleans' meter and .NET's runtime meter (published by prometheus-net's MeterAdapter), and the per-service RED and
/// detection series and the open incidents, which are read from the grains once per scrape.
/// </summary>
internal sealed partial class PrometheusExposition : IDisposable
{
    /// <summary>Orleans' meter: grain calls, messaging, activations, storage, streams.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>.NET's own meter: CPU time, working set, GC, thread pool, exceptions, for the process as a whole.</summary>
    public const string RuntimeMeter = "System.Runtime";

    private const string OwnMeterPrefix = "OtlpGrains.";

    // How long a scrape waits for the grains' totals before it answers with the rest.
    private static readonly TimeSpan TotalsTimeout = TimeSpan.FromSeconds(5);

    private readonly IDisposable _adapter;

    public PrometheusExposition(IMeterFactory meters, ServiceDirectory directory, ILogger<PrometheusExposition> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(directory);
        Registry = Metrics.NewCustomRegistry();
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            MetricFactory = Metrics.WithCustomRegistry(Registry),
            InstrumentFilterPredicate = instrument => IsPublished(instrument.Meter, meters),
            // The adapter drops a series nobody updated for this long (5 minutes by default, at most a day). Our label
            // sets are small and fixed, so keep a quiet counter (a refusal reason that did not happen) the longest.
            MetricsExpireAfter = TimeSpan.FromDays(1),
        });

        var services = new ServiceRedSeries(Registry);
        var detection = new DetectionSeries(Registry);
        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            try
            {
                var read = await directory.ScrapeAsync().WaitAsync(TotalsTimeout, cancellationToken);
                services.Update([.. read.Select(r => (r.Name, r.Scrape.Totals))]);
                detection.Update([.. read.Select(r => (r.Name, r.Scrape.Detection))]);
                detection.OpenIncidents(await directory.OpenIncidentsAsync().AsTask().WaitAsync(TotalsTimeout, cancellationToken));
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The gateway's own counters matter most when the cluster does not answer: serve them, and the
                // service and detection series as last read.
                LogTotalsFailed(logger, exception.Message);
            }
        });
    }

    /// <summary>The registry <c>/metrics</c> serializes.</summary>
    public CollectorRegistry Registry { get; }

    public void Dispose() => _adapter.Dispose();

    /// <summary>
    /// This host's meters only: several hosts in one process (tests, a silo beside a gateway) each serve their own.
    /// Orleans' meter comes from the host's factory too, or is process-wide where a version makes it static; the
    /// runtime's is the process's.
    /// </summary>
    internal static bool IsPublished(Meter meter, IMeterFactory hostMeters)
    {
        ArgumentNullException.ThrowIfNull(meter);
        if (meter.Name == OrleansMeter)
        {
            return meter.Scope is null || ReferenceEquals(meter.Scope, hostMeters);
        }

        if (meter.Name == RuntimeMeter)
        {
            // One per process: every host in it serves the same process's numbers, which is what they are.
            return true;
        }

        return ReferenceEquals(meter.Scope, hostMeters) && meter.Name.StartsWith(OwnMeterPrefix, StringComparison.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "/metrics could not read the service totals, serving the last ones read: {Reason}")]
    private static partial void LogTotalsFailed(ILogger logger, string reason);
}
