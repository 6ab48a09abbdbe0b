namespace OtlpGrains.TestSupport;

/// <summary>A test grain that publishes to and subscribes on the silo's stream provider, and says where it runs.</summary>
[Alias("otlpgrains.tests.IStreamProbeGrain")]
public interface IStreamProbeGrain : IGrainWithStringKey
{
    [Alias("Silo")]
    Task<string> SiloAsync();

    [Alias("Subscribe")]
    Task SubscribeAsync(string streamNamespace, string streamKey);

    [Alias("Publish")]
    Task PublishAsync(string streamNamespace, string streamKey, string message);

    [Alias("Received")]
    Task<string[]> ReceivedAsync();
}
