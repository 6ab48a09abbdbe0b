using System.Globalization;
using OtlpGrains.Agent.Peers;

// Peers for the agent's tests, each a separate process the agent watches:
//   grpc-server --port N [--bind ADDRESS]        Kestrel gRPC over h2c on 127.0.0.1:N (or ADDRESS:N); prints "listening N" when ready
//   grpc-client --target URL --calls K [--payload-bytes N] [--pause-ms M]
//                                                K unary calls on one channel; every 3rd fails with INVALID_ARGUMENT,
//                                                every other 5th with INTERNAL; names (echoed back) padded to N bytes
//   kafka-record --out DIR                       librdkafka produces and fetches against a recording broker; the
//                                                frames go to DIR/kafka-produce.hex and DIR/kafka-fetch.hex
string? Option(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

int IntOption(string name, int fallback) =>
    Option(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

switch (args.FirstOrDefault())
{
    case "grpc-server":
        await GrpcServer.RunAsync(IntOption("--port", 0), Option("--bind") is { } bind ? System.Net.IPAddress.Parse(bind) : null);
        return 0;
    case "grpc-client":
        return await GrpcClient.RunAsync(new Uri(Option("--target") ?? "http://127.0.0.1:50051"), IntOption("--calls", 6), IntOption("--payload-bytes", 0), IntOption("--pause-ms", 0));
    case "kafka-record":
        return await KafkaRecorder.RunAsync(Option("--out") ?? ".");
    default:
        Console.Error.WriteLine("usage: grpc-server --port N [--bind ADDRESS] | grpc-client --target URL --calls K [--payload-bytes N] [--pause-ms M] | kafka-record --out DIR");
        return 2;
}
