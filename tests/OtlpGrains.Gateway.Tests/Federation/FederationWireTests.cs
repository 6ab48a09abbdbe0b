using OtlpGrains.Gateway.Federation;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Gateway.Tests.Federation;

public sealed class FederationWireTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void AKeptTraceIsWrittenWithRawIdsKindsStatusesAndNanosecondTimes()
    {
        var kept = new TraceView(
            "0af7651916cd43dd8448eb211c80319c",
            [
                new TraceSpanView("00000000000000ff", null, "front", "GET /", "SERVER", T0, T0.AddMilliseconds(10), 10, "OK"),
                new TraceSpanView("0000000000000100", "00000000000000ff", "front", "POST /pay", "CLIENT", T0.AddMilliseconds(1), T0.AddMilliseconds(9), 8, "ERROR"),
            ],
            [],
            new Dictionary<string, double>(),
            0,
            0,
            "error");

        var wire = FederationWire.ToWire("a", kept);

        Assert.True(wire.Found);
        Assert.Equal("a", wire.Cluster);
        Assert.Equal("error", wire.KeptBecause);
        Assert.Equal([(255UL, 0UL, 2, 1), (256UL, 255UL, 3, 2)], wire.Spans.Select(s => (s.SpanId, s.ParentSpanId, s.Kind, s.StatusCode)));
        Assert.Equal(8_000_000UL, wire.Spans[1].EndUnixNano - wire.Spans[1].StartUnixNano);
        Assert.Equal((ulong)(T0 - DateTimeOffset.UnixEpoch).Ticks * 100, wire.Spans[0].StartUnixNano);
    }

    [Fact]
    public void ATraceNotKeptIsNotFound()
    {
        var wire = FederationWire.ToWire("a", null);

        Assert.False(wire.Found);
        Assert.Empty(wire.Spans);
    }

    [Fact]
    public void ASummaryKeepsItsServicesAndOpenIncidents()
    {
        var summary = new ClusterSummary(
            "a",
            T0,
            [new FederatedService("checkout", "critical", 0.9, 12.5, 0.25, 130)],
            [new FederatedIncident("inc-1", T0.AddMinutes(-2), T0.AddMinutes(-1), ["checkout", "payments"], null, 0)]);

        var wire = FederationWire.ToWire(summary);

        var service = Assert.Single(wire.Services);
        Assert.Equal(("checkout", "critical", 0.9, 12.5, 0.25, 130d), (service.Name, service.Status, service.AnomalyScore, service.Rate, service.ErrorRatio, service.P95Ms));
        var incident = Assert.Single(wire.Incidents);
        Assert.Equal(["checkout", "payments"], incident.Services);
        Assert.Equal(string.Empty, incident.TopCause);
    }
}
