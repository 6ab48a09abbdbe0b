using Orleans.Runtime;
using Orleans.Streams;
using OtlpGrains.Interfaces;

namespace OtlpGrains.TestSupport;

public sealed class StreamProbeGrain(ILocalSiloDetails silo) : Grain, IStreamProbeGrain
{
    private readonly List<string> _received = [];

    public Task<string> SiloAsync() => Task.FromResult(silo.SiloAddress.ToString());

    public async Task SubscribeAsync(string streamNamespace, string streamKey) =>
        await Stream(streamNamespace, streamKey).SubscribeAsync((message, _) =>
        {
            _received.Add(message);
            return Task.CompletedTask;
        });

    public Task PublishAsync(string streamNamespace, string streamKey, string message) =>
        Stream(streamNamespace, streamKey).OnNextAsync(message);

    public Task<string[]> ReceivedAsync() => Task.FromResult(_received.ToArray());

    private IAsyncStream<string> Stream(string streamNamespace, string streamKey) =>
        this.GetStreamProvider(StreamNames.Provider).GetStream<string>(StreamId.Create(streamNamespace, streamKey));
}
