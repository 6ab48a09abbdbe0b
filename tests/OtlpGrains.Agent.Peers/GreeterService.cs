using Grpc.Core;
using OtlpGrains.Agent.Peers.Demo;

namespace OtlpGrains.Agent.Peers;

/// <summary>
/// Answers SayHello; a name starting with "bad" fails with INVALID_ARGUMENT (the caller's fault) and one starting with
/// "boom" with INTERNAL (the server's), so tests see both kinds of error trailers.
/// </summary>
internal sealed class GreeterService : Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        if (request.Name.StartsWith("bad", StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "name must not start with bad"));
        }

        if (request.Name.StartsWith("boom", StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.Internal, "boom"));
        }

        return Task.FromResult(new HelloReply { Message = $"hello {request.Name}" });
    }
}
