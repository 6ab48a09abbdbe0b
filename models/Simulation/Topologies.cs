namespace OtlpGrains.Models.Simulation;

/// <summary>
/// The shapes of system the simulator builds from a few parameters. Every name starts with <c>prefix</c>, so that
/// several simulated systems can share one cluster without sharing a service.
/// </summary>
public static class Topologies
{
    private static readonly string[] LeafNames = ["catalog", "pricing", "reviews", "recommendations", "ads", "currency", "shipping-quote", "stock"];
    private static readonly string[] TierNames = ["api", "orders", "payments", "ledger", "archive", "audit", "vault"];
    private static readonly string[] DatabaseUsers = ["cart", "orders", "inventory", "accounts", "invoices"];

    /// <summary>A front end that calls <paramref name="width"/> leaf services at once for each page.</summary>
    public static Topology FanOut(string prefix, int width, int instances = 2)
    {
        Require(width is >= 1 and <= 8, $"a fan-out has 1 to 8 leaves, got {width}");
        string[] leaves = [.. LeafNames.Take(width).Select(n => prefix + n)];
        var services = new List<SimulatedService>
        {
            new(prefix + "frontend", instances, [new("GET /product", new(4, 0.3), 0.001, [.. leaves.Select(l => new SimulatedCall(CallTarget.Service, l, "GetItem"))], ParallelCalls: true)]),
        };
        services.AddRange(leaves.Select((leaf, i) => new SimulatedService(leaf, instances, [new("GetItem", new(8 + (3 * i), 0.35), 0.001, [])])));
        return new Topology($"{prefix}fan-out", services, [new(prefix + "frontend", "GET /product", 1)]);
    }

    /// <summary>
    /// A gateway and <paramref name="depth"/> tiers, each calling the next; each call is retried up to
    /// <paramref name="retries"/> times when it fails.
    /// </summary>
    public static Topology Chain(string prefix, int depth, int instances = 2, int retries = 0)
    {
        Require(depth is >= 1 and <= 7, $"a chain has 1 to 7 tiers below its gateway, got {depth}");
        Require(retries is >= 0 and <= 5, $"retries must be in [0, 5], got {retries}");
        string[] names = [prefix + "gateway", .. TierNames.Take(depth).Select(n => prefix + n)];
        var services = new List<SimulatedService>();
        for (int i = 0; i < names.Length; i++)
        {
            string operation = i == 0 ? "POST /checkout" : "Handle";
            SimulatedCall[] calls = i + 1 < names.Length ? [new(CallTarget.Service, names[i + 1], "Handle", Retries: retries)] : [];
            services.Add(new(names[i], instances, [new(operation, new(3 + (2 * i), 0.3), 0.001, calls)]));
        }

        return new Topology($"{prefix}chain", services, [new(names[0], "POST /checkout", 1)]);
    }

    /// <summary>
    /// A front end over <paramref name="users"/> services that all query one PostgreSQL database (<c>orders-db</c>);
    /// the first two also read a Redis cache (<c>session-cache</c>). Both are uninstrumented: callers' CLIENT spans only.
    /// </summary>
    public static Topology SharedDatabase(string prefix, int users, int instances = 2)
    {
        Require(users is >= 2 and <= 5, $"a shared database has 2 to 5 user services, got {users}");
        string database = prefix + "orders-db", cache = prefix + "session-cache";
        string[] names = [.. DatabaseUsers.Take(users).Select(n => prefix + n)];
        var services = new List<SimulatedService>
        {
            new(prefix + "frontend", instances, [new("GET /account", new(3, 0.3), 0.001, [.. names.Select(n => new SimulatedCall(CallTarget.Service, n, "Load"))])]),
        };
        services.AddRange(names.Select((n, i) => new SimulatedService(n, instances,
        [
            new("Load", new(4 + i, 0.3), 0.001, i < 2
                ? [new(CallTarget.Database, cache, "GET"), new(CallTarget.Database, database, "SELECT")]
                : [new(CallTarget.Database, database, "SELECT")]),
        ])));
        return new Topology($"{prefix}shared-database", services, [new(prefix + "frontend", "GET /account", 1)],
            [new(database, "postgresql", new(6, 0.4), 0.0005), new(cache, "redis", new(0.8, 0.3), 0.0005)]);
    }

    /// <summary>
    /// An order service that answers at once and publishes each order on a queue (<c>order-events</c>); a shipping
    /// service consumes it later, in the same trace, and asks a label service.
    /// </summary>
    public static Topology AsyncQueue(string prefix, int instances = 2)
    {
        string frontend = prefix + "frontend", orders = prefix + "orders", shipping = prefix + "shipping", labels = prefix + "labels";
        string queue = prefix + "order-events";
        return new Topology(
            $"{prefix}async-queue",
            [
                new(frontend, instances, [new("POST /order", new(3, 0.3), 0.001, [new(CallTarget.Service, orders, "PlaceOrder")])]),
                new(orders, instances, [new("PlaceOrder", new(6, 0.3), 0.001, [new(CallTarget.Queue, queue, "publish")])]),
                new(shipping, instances, [new("order-events process", new(9, 0.35), 0.001, [new(CallTarget.Service, labels, "PrintLabel")])]),
                new(labels, instances, [new("PrintLabel", new(5, 0.3), 0.001, [])]),
            ],
            [new(frontend, "POST /order", 1)],
            queues: [new(queue, shipping, "order-events process", new(40, 0.5))]);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(null, message);
        }
    }
}
