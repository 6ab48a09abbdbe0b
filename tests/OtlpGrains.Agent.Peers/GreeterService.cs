using Grpc.Core;
using OtlpGrains.Agent.Peers.Demo;

namespace OtlpGrains.Agent.Peers;

/// <summary>Answers SayHello; a name starting with "bad" fails with INVALID_ARGUMENT, so tests get error trailers.</summary>
internal sealed class GreeterService : Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        if (request.Name.StartsWith("bad", StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "name must not start with bad"));
        }

        return Task.FromResult(new HelloReply { Message = $"hello {request.Name}" });
    }
}
