using System.Globalization;
using System.Text;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// The gateway's self-metrics, per signal: requests, items accepted, items rejected as invalid, requests refused
/// by reason, items in flight. Plain counters, rendered in Prometheus text format by <see cref="WriteTo"/>.
/// </summary>
internal sealed class GatewayInstruments(InFlightLimiter limiter)
{
    private static readonly string[] SignalNames = ["traces", "metrics", "logs"];
    private static readonly string[] ReasonNames = ["invalid", "malformed", "too_large", "unsupported_media_type", "busy", "unavailable"];

    private readonly long[] _requests = new long[3];
    private readonly long[] _acceptedItems = new long[3];
    private readonly long[] _invalidItems = new long[3];
    private readonly long[] _refused = new long[3 * 6];
    private readonly long[] _inFlight = new long[3];
    private readonly long[] _cutItems = new long[3];

    public void Request(Signal signal) => Interlocked.Increment(ref _requests[(int)signal]);

    public void Accepted(Signal signal, long items) => Interlocked.Add(ref _acceptedItems[(int)signal], items);

    public void Invalid(Signal signal, long items) => Interlocked.Add(ref _invalidItems[(int)signal], items);

    /// <summary>Items accepted with part of them cut to the carried limits (a log body or attribute too long).</summary>
    public void Cut(Signal signal, long items) => Interlocked.Add(ref _cutItems[(int)signal], items);

    public long CutItems(Signal signal) => Interlocked.Read(ref _cutItems[(int)signal]);

    public void Refused(Signal signal, RefusalReason reason) =>
        Interlocked.Increment(ref _refused[((int)signal * 6) + (int)reason]);

    /// <summary>Items of a signal now being handed to the grains (negative <paramref name="items"/> when done).</summary>
    public void InFlight(Signal signal, long items) => Interlocked.Add(ref _inFlight[(int)signal], items);

    public long AcceptedItems(Signal signal) => Interlocked.Read(ref _acceptedItems[(int)signal]);

    public long InvalidItems(Signal signal) => Interlocked.Read(ref _invalidItems[(int)signal]);

    public long RefusedRequests(Signal signal, RefusalReason reason) =>
        Interlocked.Read(ref _refused[((int)signal * 6) + (int)reason]);

    public void WriteTo(StringBuilder text)
    {
        PerSignal(text, "otlpgrains_gateway_requests_total", "counter", "OTLP export requests received.", _requests);
        PerSignal(text, "otlpgrains_gateway_accepted_items_total", "counter", "Spans, data points or log records accepted by the grains.", _acceptedItems);
        PerSignal(text, "otlpgrains_gateway_invalid_items_total", "counter", "Items rejected as invalid (bad ids, empty metric names).", _invalidItems);
        PerSignal(text, "otlpgrains_gateway_cut_items_total", "counter", "Items accepted with a part cut to the carried limits (log bodies over 8 KiB, attributes).", _cutItems);

        text.Append("# HELP otlpgrains_gateway_refused_requests_total Export requests refused whole, by reason.\n");
        text.Append("# TYPE otlpgrains_gateway_refused_requests_total counter\n");
        for (var s = 0; s < SignalNames.Length; s++)
        {
            for (var r = 0; r < ReasonNames.Length; r++)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"otlpgrains_gateway_refused_requests_total{{signal=\"{SignalNames[s]}\",reason=\"{ReasonNames[r]}\"}} {Interlocked.Read(ref _refused[(s * 6) + r])}\n");
            }
        }

        text.Append("# HELP otlpgrains_gateway_in_flight_items Items being handed to the grains now, per signal.\n");
        text.Append("# TYPE otlpgrains_gateway_in_flight_items gauge\n");
        for (var s = 0; s < SignalNames.Length; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $"otlpgrains_gateway_in_flight_items{{signal=\"{SignalNames[s]}\"}} {Interlocked.Read(ref _inFlight[s])}\n");
        }

        text.Append("# HELP otlpgrains_gateway_in_flight_items_limit Most items admitted at once, over all signals.\n");
        text.Append("# TYPE otlpgrains_gateway_in_flight_items_limit gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"otlpgrains_gateway_in_flight_items_limit {limiter.MaxItems}\n");
    }

    private static void PerSignal(StringBuilder text, string name, string type, string help, long[] values)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        for (var s = 0; s < SignalNames.Length; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{signal=\"{SignalNames[s]}\"}} {Interlocked.Read(ref values[s])}\n");
        }
    }
}
