using System.Globalization;
using OtlpGrains.AgentBench;

// Load roles, started by the bench as child processes of this same program.
static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);
switch (args)
{
    case ["http-server"]:
        return await HttpLoadServer.RunAsync();
    case ["http-client", var port, var rate, var connections, var warmup, var seconds]:
        return await FixedRateClient.RunAsync(Int(port), Int(rate), Int(connections), Num(warmup), Num(seconds));
    case ["pingpong", var roundTrips, var pairs, var seconds]:
        return PingPongLoad.Run(Int(roundTrips), Int(pairs), Num(seconds));
    case ["--help" or "-h" or "help", ..]:
        Console.WriteLine(BenchOptions.Usage);
        return 0;
}

BenchOptions? options = BenchOptions.Parse(args, out string? error);
if (options is null)
{
    await Console.Error.WriteLineAsync($"error: {error}\n{BenchOptions.Usage}");
    return 2;
}

if (Environment.UserName != "root")
{
    await Console.Error.WriteLineAsync("the agent benchmark needs root (BPF)");
    return 77;
}

int exit = 0;
if (options.Mode is "all" or "events")
{
    exit |= await EventRateBench.RunAsync(options);
}

if (options.Mode is "all" or "http")
{
    exit |= await HttpOverheadBench.RunAsync(options);
}

return exit;
