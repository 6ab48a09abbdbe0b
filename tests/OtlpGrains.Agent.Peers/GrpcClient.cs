using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using OtlpGrains.Agent.Peers.Demo;

namespace OtlpGrains.Agent.Peers;

/// <summary>
/// Unary calls with Grpc.Net.Client on one channel (one HTTP/2 connection): every 3rd asks for INVALID_ARGUMENT, every
/// other 5th for INTERNAL (6 calls: ok ok bad ok boom bad). Names are padded to a chosen size to make messages large.
/// </summary>
internal static class GrpcClient
{
    public static async Task<int> RunAsync(Uri target, int calls, int payloadBytes, int pauseMs = 0)
    {
        using var channel = GrpcChannel.ForAddress(target);
        var client = new Greeter.GreeterClient(channel);
        int ok = 0, failed = 0;
        for (var i = 1; i <= calls; i++)
        {
            var name = i % 3 == 0 ? $"bad-{i}" : i % 5 == 0 ? $"boom-{i}" : $"caller-{i}";
            name = name.PadRight(payloadBytes, 'x'); // the server echoes it, so both directions grow
            try
            {
                await client.SayHelloAsync(new HelloRequest { Name = name });
                ok++;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.Internal)
            {
                failed++;
            }

            if (pauseMs > 0)
            {
                await Task.Delay(pauseMs); // an idle keep-alive connection between calls, as a long-lived client keeps one
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ok {ok} failed {failed}"));
        return 0;
    }
}
