using System.Text.Json;
using OtlpGrains.Evaluate.Replay;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

public sealed class NezhaFaultListTests
{
    [Fact]
    public void ShippedDayHasItsFaultsInUtcWithServices()
    {
        NezhaDataset dataset = NezhaDataset.Open(SharedData.Directory("nezha-tt-2023-01-29"));

        IReadOnlyList<NezhaFault> faults = NezhaFaultList.Read(dataset.FaultListFile);

        Assert.Equal(28, faults.Count);
        Assert.Equal(
            new NezhaFault("ts-contacts-service", "ts-contacts-service-866bd68c97-xcqfx", new DateTimeOffset(2023, 1, 29, 8, 43, 4, TimeSpan.Zero), "return"),
            faults[0]);
        Assert.Equal(new Dictionary<string, int> { ["exception"] = 13, ["return"] = 11, ["cpu_contention"] = 4 }, faults.CountBy(f => f.Type).ToDictionary());
        Assert.All(faults, f => Assert.StartsWith(f.Service + "-", f.Pod, StringComparison.Ordinal));
        Assert.Equal(faults.OrderBy(f => f.InjectedAt), faults);
    }

    [Theory]
    [InlineData("[]", "f.json: expected an object of hours")]
    [InlineData("{\"08\": [{\"inject_time\": \"2023-01-29 08:43:04\", \"inject_type\": \"return\"}]}", "f.json: a fault has no text 'inject_pod'")]
    [InlineData("{\"08\": [{\"inject_time\": \"08:43\", \"inject_pod\": \"p\", \"inject_type\": \"return\"}]}", "f.json: inject_time '08:43' is not yyyy-MM-dd HH:mm:ss")]
    public void MalformedListIsRefusedInOneLine(string json, string message)
    {
        using JsonDocument document = JsonDocument.Parse(json);

        var e = Assert.Throws<ReplayInputException>(() => NezhaFaultList.Parse(document.RootElement, "f.json"));
        Assert.Equal(message, e.Message);
    }
}
