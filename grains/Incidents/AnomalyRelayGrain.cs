using Orleans.Streams;
using Orleans.Streams.Core;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Incidents;

/// <summary>
/// Subscribed implicitly to every service's <c>anomalies</c> stream (one activation per service, keyed like the
/// stream): forwards each event to the incident directory. The directory drops duplicates by id, so a redelivery is
/// harmless.
/// </summary>
[ImplicitStreamSubscription(StreamNames.Anomalies)]
internal sealed class AnomalyRelayGrain : Grain, IAnomalyRelayGrain, IStreamSubscriptionObserver
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        StreamSubscriptionHandle<AnomalyEvent> handle = handleFactory.Create<AnomalyEvent>();
        await handle.ResumeAsync((anomaly, _) => GrainFactory
            .GetGrain<IIncidentDirectoryGrain>(IIncidentDirectoryGrain.DefaultKey)
            .AddAnomaliesAsync([anomaly])
            .AsTask());
    }
}

/// <summary>The relay's grain interface: it has no calls of its own, only the stream subscription.</summary>
[Alias("otlpgrains.IAnomalyRelayGrain")]
public interface IAnomalyRelayGrain : IGrainWithStringKey;
