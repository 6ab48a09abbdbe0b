namespace OtlpGrains.Interfaces;

/// <summary>The stream provider the silo registers and the stream namespaces on it.</summary>
public static class StreamNames
{
    /// <summary>Memory streams; their subscriptions live in the <see cref="StorageNames.PubSub"/> grain storage.</summary>
    public const string Provider = "streams";

    /// <summary>Anomaly events of the service grains, keyed by service name.</summary>
    public const string Anomalies = "anomalies";

    /// <summary>Incident changes (<see cref="IncidentNotice"/>), keyed <see cref="IIncidentDirectoryGrain.DefaultKey"/>.</summary>
    public const string Incidents = "incidents";

    /// <summary>Model registry changes (a version promoted, rolled back or retired), keyed by model name.</summary>
    public const string Models = "models";

    /// <summary>
    /// The key, in namespace <see cref="Models"/>, of a model's <see cref="RetrainRecommended"/> events. Not the model
    /// name itself: Orleans' memory streams cast every item to the subscriber's type, so a second item type on the
    /// <see cref="ModelChanged"/> stream would break its subscribers. Model names hold no '/', so it cannot collide.
    /// </summary>
    public static string RetrainKey(string model) => model + "/retrain";
}
