using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using OtlpGrains.Agent.Peers.Demo;

namespace OtlpGrains.Agent.Peers;

/// <summary>Unary calls with Grpc.Net.Client on one channel (one HTTP/2 connection), every n-th asking for an error.</summary>
internal static class GrpcClient
{
    public static async Task<int> RunAsync(Uri target, int calls, int failEvery)
    {
        using var channel = GrpcChannel.ForAddress(target);
        var client = new Greeter.GreeterClient(channel);
        int ok = 0, failed = 0;
        for (var i = 1; i <= calls; i++)
        {
            var name = failEvery > 0 && i % failEvery == 0 ? $"bad-{i}" : $"caller-{i}";
            try
            {
                await client.SayHelloAsync(new HelloRequest { Name = name });
                ok++;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                failed++;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ok {ok} failed {failed}"));
        return 0;
    }
}
