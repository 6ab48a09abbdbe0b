namespace OtlpGrains.Interfaces;

/// <summary>Names of the grain storage and stream providers the silo registers.</summary>
public static class StorageNames
{
    /// <summary>Grain state of services and the catalog.</summary>
    public const string Services = "services";

    /// <summary>Traces kept by tail sampling.</summary>
    public const string KeptTraces = "traces";

    /// <summary>The storage Orleans memory streams need for their subscriptions.</summary>
    public const string PubSub = "PubSubStore";

    /// <summary>The model registry's metadata and the model artifacts.</summary>
    public const string Models = "models";

    /// <summary>The Orleans stream provider.</summary>
    public const string Streams = "streams";

    /// <summary>Stream namespace of <c>ModelChanged</c> events, keyed by model name.</summary>
    public const string ModelsStreamNamespace = "models";
}
