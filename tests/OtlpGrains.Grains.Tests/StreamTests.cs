using OtlpGrains.Interfaces;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>The stream provider the silo configures: an event reaches a subscriber on the other silo.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StreamTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AnAnomalyEventPublishedOnOneSiloReachesASubscriberOnTheOther()
    {
        var subscriber = fixture.Grains.GetGrain<IStreamProbeGrain>($"sub-{Guid.NewGuid():N}");
        var subscriberSilo = await subscriber.SiloAsync();
        var publisher = await GrainOnAnotherSiloAsync(subscriberSilo);
        var service = $"svc-{Guid.NewGuid():N}";

        await subscriber.SubscribeAsync(StreamNames.Anomalies, service);
        await publisher.PublishAsync(StreamNames.Anomalies, service, "p99 critical");
        await publisher.PublishAsync(StreamNames.Models, service, "not on the anomalies stream");

        var received = await ClusterFixture.EventuallyAsync(() => subscriber.ReceivedAsync(), r => r.Length >= 1);
        Assert.Equal(["p99 critical"], received);
        Assert.NotEqual(subscriberSilo, await publisher.SiloAsync());
    }

    // Placement is random: try keys until one lands on the other silo (with two silos, 40 misses are ~1e-12). A
    // silo places only on silos its membership view calls active, so misses are retried for a while, not at once.
    private async Task<IStreamProbeGrain> GrainOnAnotherSiloAsync(string silo)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (var attempt = 1; ; attempt++)
        {
            var grain = fixture.Grains.GetGrain<IStreamProbeGrain>($"pub-{Guid.NewGuid():N}");
            if (await grain.SiloAsync() != silo)
            {
                return grain;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"no grain was placed on the second silo in {attempt} attempts over 30 s");
            }

            if (attempt % 40 == 0)
            {
                await Task.Delay(200);
            }
        }
    }
}
