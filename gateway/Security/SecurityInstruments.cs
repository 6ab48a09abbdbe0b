using System.Diagnostics.Metrics;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// <c>otlpgrains_gateway_auth_refusals_total{reason, endpoint}</c> on the gateway's meter: requests refused for a
/// missing, unknown or insufficient key, per listener. Rate refusals are on <c>refused_requests_total</c>, per signal.
/// </summary>
internal sealed class SecurityInstruments
{
    private readonly Counter<long> _refusals;

    public SecurityInstruments(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(GatewayInstruments.MeterName);
        _refusals = meter.CreateCounter<long>("auth_refusals_total", "{request}", "Requests refused for a missing, unknown or insufficient API key, by reason and endpoint.");
        foreach (var reason in Enum.GetValues<AuthRefusal>())
        {
            foreach (var family in Enum.GetValues<EndpointFamily>())
            {
                _refusals.Add(0, ReasonTag(reason), FamilyTag(family));
            }
        }
    }

    public void Refused(AuthRefusal reason, EndpointFamily family) => _refusals.Add(1, ReasonTag(reason), FamilyTag(family));

    public static string ReasonName(AuthRefusal reason) => reason switch
    {
        AuthRefusal.Missing => "missing",
        AuthRefusal.Unknown => "unknown",
        _ => "forbidden",
    };

    private static KeyValuePair<string, object?> ReasonTag(AuthRefusal reason) => new("reason", ReasonName(reason));

    private static KeyValuePair<string, object?> FamilyTag(EndpointFamily family) => new("endpoint", EndpointAccess.Name(family));
}
