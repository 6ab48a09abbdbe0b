using System.Diagnostics.Metrics;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// The gateway's self-metrics on its <see cref="MeterName"/> meter, per signal: requests, items accepted, items
/// rejected as invalid, items cut, requests refused by reason, items in flight and the in-flight limit.
/// </summary>
/// <remarks>
/// Instrument names are the Prometheus names less the meter's prefix, because prometheus-net's MeterAdapter names a
/// series <c>{meter}_{instrument}</c>: <c>requests_total</c> here is <c>otlpgrains_gateway_requests_total</c> on
/// <c>/metrics</c>, the name dashboards already use.
/// </remarks>
internal sealed class GatewayInstruments
{
    /// <summary>The gateway's meter; the model API's instruments share it.</summary>
    public const string MeterName = "OtlpGrains.Gateway";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _acceptedItems;
    private readonly Counter<long> _invalidItems;
    private readonly Counter<long> _cutItems;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _limitedItems;
    private readonly UpDownCounter<long> _inFlight;

    public GatewayInstruments(IMeterFactory meters, InFlightLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(limiter);
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("requests_total", "{request}", "OTLP export requests received.");
        _acceptedItems = meter.CreateCounter<long>("accepted_items_total", "{item}", "Spans, data points or log records accepted by the grains.");
        _invalidItems = meter.CreateCounter<long>("invalid_items_total", "{item}", "Items rejected as invalid (bad ids, empty metric names).");
        _cutItems = meter.CreateCounter<long>("cut_items_total", "{item}", "Items accepted with a part cut to the carried limits (log bodies over 8 KiB, attributes).");
        _refused = meter.CreateCounter<long>("refused_requests_total", "{request}", "Export requests refused whole, by reason.");
        _limitedItems = meter.CreateCounter<long>("limited_items_total", "{item}", "Items rejected by a limit against abuse, by limit: services (new services beyond OtlpGrains:Limits).");
        _inFlight = meter.CreateUpDownCounter<long>("in_flight_items", "{item}", "Items being handed to the grains now, per signal.");
        meter.CreateObservableGauge("in_flight_items_limit", () => (long)limiter.MaxItems, "{item}", "Most items admitted at once, over all signals.");

        // Every series exists from the start at 0, so that rate() and absent-series alerts see the first refusal.
        foreach (var signal in Enum.GetValues<Signal>())
        {
            var tag = SignalTag(signal);
            _requests.Add(0, tag);
            _acceptedItems.Add(0, tag);
            _invalidItems.Add(0, tag);
            _cutItems.Add(0, tag);
            _inFlight.Add(0, tag);
            _limitedItems.Add(0, tag, new("limit", "services"));
            foreach (var reason in Enum.GetValues<RefusalReason>())
            {
                _refused.Add(0, tag, ReasonTag(reason));
            }
        }
    }

    public void Request(Signal signal) => _requests.Add(1, SignalTag(signal));

    public void Accepted(Signal signal, long items) => _acceptedItems.Add(items, SignalTag(signal));

    public void Invalid(Signal signal, long items) => _invalidItems.Add(items, SignalTag(signal));

    /// <summary>Items accepted with part of them cut to the carried limits (a log body or attribute too long).</summary>
    public void Cut(Signal signal, long items) => _cutItems.Add(items, SignalTag(signal));

    /// <summary>Items rejected because their service is new and beyond the service limits.</summary>
    public void Limited(Signal signal, long items) => _limitedItems.Add(items, SignalTag(signal), new("limit", "services"));

    public void Refused(Signal signal, RefusalReason reason) => _refused.Add(1, SignalTag(signal), ReasonTag(reason));

    /// <summary>Items of a signal now being handed to the grains (negative <paramref name="items"/> when done).</summary>
    public void InFlight(Signal signal, long items) => _inFlight.Add(items, SignalTag(signal));

    /// <summary>The label value of a signal, as OTLP names its service.</summary>
    public static string SignalName(Signal signal) => signal switch
    {
        Signal.Traces => "traces",
        Signal.Metrics => "metrics",
        _ => "logs",
    };

    /// <summary>The label value of a refusal reason.</summary>
    public static string ReasonName(RefusalReason reason) => reason switch
    {
        RefusalReason.Invalid => "invalid",
        RefusalReason.Malformed => "malformed",
        RefusalReason.TooLarge => "too_large",
        RefusalReason.UnsupportedMediaType => "unsupported_media_type",
        RefusalReason.Busy => "busy",
        RefusalReason.Rate => "rate",
        _ => "unavailable",
    };

    private static KeyValuePair<string, object?> SignalTag(Signal signal) => new("signal", SignalName(signal));

    private static KeyValuePair<string, object?> ReasonTag(RefusalReason reason) => new("reason", ReasonName(reason));
}
