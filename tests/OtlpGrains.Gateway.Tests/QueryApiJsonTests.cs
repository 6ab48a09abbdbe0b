using System.Text.Json;
using OtlpGrains.Gateway.Api;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

/// <summary>The API's JSON: numbers JSON cannot hold are written as null instead of failing the whole answer.</summary>
public sealed class QueryApiJsonTests
{
    [Fact]
    public void AThresholdNotCalibratedYetIsWrittenAsNull()
    {
        // A log event raised by the new-ERROR-template rule before the service's threshold calibrated: +infinity.
        var anomaly = new { score = 0.42, threshold = double.PositiveInfinity, baseline = double.NaN, low = double.NegativeInfinity, values = new[] { 1.5, double.NaN } };

        string json = JsonSerializer.Serialize(anomaly, QueryApi.Json);

        Assert.Equal("""{"score":0.42,"threshold":null,"baseline":null,"low":null,"values":[1.5,null]}""", json);
    }
}
