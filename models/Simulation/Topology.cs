namespace OtlpGrains.Models.Simulation;

/// <summary>
/// A system to simulate: services with operations and calls, databases, queues and entry points. Checked on
/// construction: every call names something that exists, and no request can call back into an operation it is
/// already inside (the call tree is finite).
/// </summary>
public sealed class Topology
{
    private readonly Dictionary<string, SimulatedService> _services;
    private readonly Dictionary<string, SimulatedDatabase> _databases;
    private readonly Dictionary<string, SimulatedTopic> _queues;

    public Topology(
        string name,
        IReadOnlyList<SimulatedService> services,
        IReadOnlyList<EntryPoint> entries,
        IReadOnlyList<SimulatedDatabase>? databases = null,
        IReadOnlyList<SimulatedTopic>? queues = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Services = services;
        Entries = entries;
        Databases = databases ?? [];
        Queues = queues ?? [];
        _services = Unique(services, s => s.Name, "service");
        _databases = Unique(Databases, d => d.Name, "database");
        _queues = Unique(Queues, q => q.Name, "queue");
        Validate();
    }

    public string Name { get; }

    public IReadOnlyList<SimulatedService> Services { get; }

    public IReadOnlyList<EntryPoint> Entries { get; }

    public IReadOnlyList<SimulatedDatabase> Databases { get; }

    public IReadOnlyList<SimulatedTopic> Queues { get; }

    public SimulatedService Service(string name) =>
        _services.TryGetValue(name, out SimulatedService? service) ? service : throw new ArgumentException($"topology '{Name}' has no service '{name}'", nameof(name));

    public SimulatedDatabase Database(string name) =>
        _databases.TryGetValue(name, out SimulatedDatabase? database) ? database : throw new ArgumentException($"topology '{Name}' has no database '{name}'", nameof(name));

    public SimulatedTopic Queue(string name) =>
        _queues.TryGetValue(name, out SimulatedTopic? queue) ? queue : throw new ArgumentException($"topology '{Name}' has no queue '{name}'", nameof(name));

    public bool HasService(string name) => _services.ContainsKey(name);

    public bool HasDatabase(string name) => _databases.ContainsKey(name);

    /// <summary>The services that call <paramref name="service"/> directly (through a queue too).</summary>
    public IEnumerable<string> CallersOf(string service) =>
        Services.Where(s => s.Operations.SelectMany(o => o.Calls).Any(c =>
            (c.Kind == CallTarget.Service && c.Target == service) ||
            (c.Kind == CallTarget.Queue && Queue(c.Target).ConsumerService == service)))
        .Select(s => s.Name);

    private void Validate()
    {
        if (Services.Count == 0 || Entries.Count == 0)
        {
            throw new ArgumentException($"topology '{Name}' needs at least one service and one entry point");
        }

        foreach (SimulatedService service in Services)
        {
            if (service.Instances < 1 || service.Operations.Count == 0)
            {
                throw new ArgumentException($"service '{service.Name}' needs at least one instance and one operation");
            }

            foreach (SimulatedCall call in service.Operations.SelectMany(o => o.Calls))
            {
                _ = call.Kind switch
                {
                    CallTarget.Service => Service(call.Target).Operation(call.Operation).Name,
                    CallTarget.Database => Database(call.Target).Name,
                    _ => Service(Queue(call.Target).ConsumerService).Operation(Queue(call.Target).ConsumerOperation).Name,
                };
            }
        }

        foreach (EntryPoint entry in Entries)
        {
            _ = Service(entry.Service).Operation(entry.Operation);
        }

        foreach (SimulatedService service in Services)
        {
            foreach (SimulatedOperation operation in service.Operations)
            {
                Walk(service.Name, operation, []);
            }
        }
    }

    private void Walk(string service, SimulatedOperation operation, HashSet<(string, string)> path)
    {
        if (!path.Add((service, operation.Name)))
        {
            throw new ArgumentException($"topology '{Name}' has a call cycle through {service}/{operation.Name}");
        }

        foreach (SimulatedCall call in operation.Calls)
        {
            (string Service, string Operation)? next = call.Kind switch
            {
                CallTarget.Service => (call.Target, call.Operation),
                CallTarget.Queue => (Queue(call.Target).ConsumerService, Queue(call.Target).ConsumerOperation),
                _ => null,
            };
            if (next is { } n)
            {
                Walk(n.Service, Service(n.Service).Operation(n.Operation), path);
            }
        }

        path.Remove((service, operation.Name));
    }

    private static Dictionary<string, T> Unique<T>(IEnumerable<T> items, Func<T, string> name, string what)
    {
        var byName = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (T item in items)
        {
            if (!byName.TryAdd(name(item), item))
            {
                throw new ArgumentException($"two {what}s are named '{name(item)}'");
            }
        }

        return byName;
    }
}
