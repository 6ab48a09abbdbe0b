namespace OtlpGrains.Interfaces;

/// <summary>Names of the grain storage providers the silo registers (streams: <see cref="StreamNames"/>).</summary>
public static class StorageNames
{
    /// <summary>Grain state of services and the catalog.</summary>
    public const string Services = "services";

    /// <summary>The partition grains of the bounded in-memory store of kept traces (<c>otlpgrains_kept_traces</c> in durable mode).</summary>
    public const string KeptTraces = "traces";

    /// <summary>The storage Orleans memory streams need for their subscriptions.</summary>
    public const string PubSub = "PubSubStore";

    /// <summary>The model registry's metadata and the model artifacts.</summary>
    public const string Models = "models";

    /// <summary>The incident directory's grain storage (memory, or PostgreSQL in durable mode).</summary>
    public const string Incidents = "incidents";

    /// <summary>
    /// The grain storages a host registers, in memory or in PostgreSQL (the kept traces have their own store: bounded in memory, or their table in PostgreSQL):
    /// one list, so a new storage cannot be forgotten by one host or test cluster.
    /// </summary>
    public static IReadOnlyList<string> Hosted { get; } = [Services, Models, Incidents, PubSub];
}
