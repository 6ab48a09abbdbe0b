using System.Globalization;
using OpenTelemetry.Proto.Logs.V1;

namespace OtlpGrains.LoadTool;

/// <summary>
/// The lines every service of a logs run writes: 21 shapes, mostly INFO, 12% DEBUG, 8% WARN and 2% ERROR, with
/// variable parts (numbers, hex ids, UUIDs, IPs, ports, durations, sizes, paths) drawn per record. The template
/// miner should find about one template per shape however many distinct lines the draws make.
/// </summary>
internal static class LogMessageShapes
{
    private static readonly string[] Resources = ["orders", "carts", "users", "products", "invoices"];

    public static IReadOnlyList<LogMessageShape> All { get; } =
    [
        Info(150, "HttpServer.Complete", r => $"GET {Path(r)} completed with status 200 in {Duration(r)}"),
        Info(80, "HttpServer.Complete", r => $"POST {Path(r)} completed with status 201 in {Duration(r)}"),
        Info(70, "Orders.Place", r => $"Order {Number(r, 100_000, 999_999)} placed by user {Number(r, 1, 50_000)} for {Money(r)} EUR"),
        Info(90, "Catalog.Get", r => $"Cache hit for key product:{Number(r, 1, 20_000)}"),
        Info(60, "Listener.Accept", r => $"Connection from {Ip(r)}:{Number(r, 1024, 65_535)} accepted"),
        Info(50, "Auth.Login", r => $"User {Guid(r)} logged in from {Ip(r)}"),
        Info(60, "Batches.Process", r => $"Processed batch {Number(r, 1, 100_000)} with {Number(r, 1, 500)} items in {Duration(r)}"),
        Info(40, "Replication.Send", r => $"Sent {Size(r)} to {Ip(r)}:{Number(r, 1024, 65_535)}"),
        Info(40, "Scheduler.Finish", r => $"Scheduled job {Hex(r, 12)} finished after {Duration(r)}"),
        Info(50, "Payments.Authorize", r => $"Payment {Guid(r)} authorized for {Money(r)} USD"),
        Info(20, "Config.Load", r => $"Loaded configuration from /etc/app/conf.d/{Number(r, 10, 99)}-overrides.yaml"),
        Info(70, "Workers.Take", r => $"Worker {Number(r, 1, 64)} picked up task {Hex(r, 16)}"),
        Debug(50, "Orders.Query", r => $"Query took {Duration(r)}: SELECT * FROM orders WHERE id = {Number(r, 100_000, 999_999)}"),
        Debug(40, "Locks.Acquire", r => $"Acquired lock {Hex(r, 8)} after {Duration(r)}"),
        Debug(30, "Pool.Report", r => $"Pool stats: {Number(r, 0, 64)} active, {Number(r, 0, 64)} idle, {Number(r, 0, 20)} waiting"),
        Warn(30, "HttpServer.Complete", r => $"Slow request {Path(r)} took {Duration(r)}, over the 500ms threshold"),
        Warn(30, "Client.Retry", r => $"Retrying call to {Ip(r)}:{Number(r, 1024, 65_535)} after timeout, attempt {Number(r, 1, 5)} of 5"),
        Warn(20, "Runtime.Watch", r => $"Heap usage at {Number(r, 80, 99)}% of {Size(r)}"),
        Error(10, "Payments.Charge", r => $"Failed to charge card for order {Number(r, 100_000, 999_999)}: gateway returned 502 after {Duration(r)}"),
        Error(6, "Database.Open", r => $"Database connection to {Ip(r)}:5432 lost: connection reset by peer"),
        Error(4, "HttpServer.Handle", r => $"Unhandled exception in {Path(r)}: NullReferenceException at OrderService.Place"),
    ];

    /// <summary>A shape drawn by its frequency.</summary>
    public static LogMessageShape Draw(Random random)
    {
        int point = random.Next(1000);
        foreach (LogMessageShape shape in All)
        {
            point -= shape.PerMille;
            if (point < 0)
            {
                return shape;
            }
        }

        throw new InvalidOperationException("the shapes' frequencies do not add up to 1000 per mille");
    }

    private static LogMessageShape Info(int perMille, string function, Func<Random, string> render) => new(SeverityNumber.Info, perMille, function, render);

    private static LogMessageShape Debug(int perMille, string function, Func<Random, string> render) => new(SeverityNumber.Debug, perMille, function, render);

    private static LogMessageShape Warn(int perMille, string function, Func<Random, string> render) => new(SeverityNumber.Warn, perMille, function, render);

    private static LogMessageShape Error(int perMille, string function, Func<Random, string> render) => new(SeverityNumber.Error, perMille, function, render);

    private static string Number(Random r, int min, int max) => r.Next(min, max + 1).ToString(CultureInfo.InvariantCulture);

    private static string Hex(Random r, int digits)
    {
        Span<byte> bytes = stackalloc byte[(digits + 1) / 2];
        r.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes)[..digits];
    }

    private static string Guid(Random r)
    {
        Span<byte> bytes = stackalloc byte[16];
        r.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private static string Ip(Random r) => $"10.{r.Next(256)}.{r.Next(256)}.{r.Next(1, 255)}";

    private static string Duration(Random r) => r.Next(4) == 0
        ? (r.Next(1000, 9000) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture) + "s"
        : r.Next(1, 999).ToString(CultureInfo.InvariantCulture) + "ms";

    private static string Size(Random r) => r.Next(1, 1024).ToString(CultureInfo.InvariantCulture) + (r.Next(2) == 0 ? "KB" : "MB");

    private static string Money(Random r) => (r.Next(100, 100_000) / 100.0).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Path(Random r) => $"/api/v1/{Resources[r.Next(Resources.Length)]}/{r.Next(1, 1_000_000)}";
}
