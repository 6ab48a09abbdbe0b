namespace OtlpGrains.Interfaces;

/// <summary>The stream provider the silo registers and the stream namespaces on it.</summary>
public static class StreamNames
{
    /// <summary>Memory streams; their subscriptions live in the <see cref="StorageNames.PubSub"/> grain storage.</summary>
    public const string Provider = "streams";

    /// <summary>Anomaly events of the service grains, keyed by service name.</summary>
    public const string Anomalies = "anomalies";

    /// <summary>Model registry changes (a version promoted, rolled back or retired), keyed by model name.</summary>
    public const string Models = "models";
}
