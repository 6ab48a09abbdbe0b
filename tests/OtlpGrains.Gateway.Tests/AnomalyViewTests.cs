using System.Text.Json;
using OtlpGrains.Gateway.Api;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

/// <summary>An anomaly event as <c>/api/v1/anomalies</c> writes it.</summary>
public sealed class AnomalyViewTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 14, 3, 30, TimeSpan.Zero);

    [Fact]
    public void AThresholdNotCalibratedYetIsWrittenAsNull()
    {
        // A log event the new-ERROR-template rule raised before the service's threshold had verdicts: +infinity,
        // which made the whole answer a 500.
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(AnomaliesApi.View(Event(double.PositiveInfinity)), QueryApi.Json));

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("threshold").ValueKind);
        Assert.Equal(0.28, json.RootElement.GetProperty("score").GetDouble());
    }

    [Fact]
    public void ACalibratedThresholdIsWrittenAsItIs()
    {
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(AnomaliesApi.View(Event(0.5)), QueryApi.Json));

        Assert.Equal(0.5, json.RootElement.GetProperty("threshold").GetDouble());
    }

    private static AnomalyEvent Event(double threshold) => new(
        AnomalyEvent.IdOf("ts-contacts-service", "logs", 0), "ts-contacts-service", "logs", ["template 5"], 0.28, "warning", threshold,
        Start, Start.AddSeconds(10), Start.AddSeconds(20), new AnomalyModelRef("log-templates", 0));
}
