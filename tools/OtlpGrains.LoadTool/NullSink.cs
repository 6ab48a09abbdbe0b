using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace OtlpGrains.LoadTool;

/// <summary>
/// A null OTLP receiver: reads each export request whole and answers OK with an empty response, over gRPC (h2c) and
/// HTTP. Sending to it shows the ceiling that the transport and the sender set on this machine, which is the
/// yardstick for the cluster's figures.
/// </summary>
internal static class NullSink
{
    /// <summary>A gRPC frame of an empty message: not compressed, length 0.</summary>
    private static readonly byte[] EmptyGrpcMessage = new byte[5];

    private static readonly byte[] EmptyJsonObject = "{}"u8.ToArray();

    private static long _requests;
    private static long _bytes;

    public static async Task<int> RunAsync(string[] args, CancellationToken abort)
    {
        int grpcPort = 4327, httpPort = 4328;
        for (int i = 0; i < args.Length; i++)
        {
            bool grpc = args[i] == "--grpc-port";
            if ((!grpc && args[i] != "--http-port") || i + 1 >= args.Length ||
                !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            {
                await Console.Error.WriteLineAsync($"error: sink takes --grpc-port N and --http-port N, not '{args[i]}' (see --help)");
                return 2;
            }

            (grpcPort, httpPort) = grpc ? (port, httpPort) : (grpcPort, port);
            i++;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, httpPort, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
        });
        await using WebApplication app = builder.Build();
        app.MapPost("/{service}/Export", AnswerGrpcAsync);
        app.MapPost("/v1/{signal}", AnswerHttpAsync);
        await app.StartAsync(abort);
        Console.WriteLine($"null sink: OTLP/gRPC on 127.0.0.1:{grpcPort}, OTLP/HTTP on 127.0.0.1:{httpPort}; Ctrl+C stops");

        long started = Stopwatch.GetTimestamp();
        long lastRequests = 0, lastBytes = 0;
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(5));
        // SIGTERM reaches the host's lifetime, Ctrl+C the caller's token: either stops the sink.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort, app.Lifetime.ApplicationStopping);
        try
        {
            while (await tick.WaitForNextTickAsync(stop.Token))
            {
                long requests = Interlocked.Read(ref _requests), bytes = Interlocked.Read(ref _bytes);
                Console.WriteLine(
                    $"  {Stopwatch.GetElapsedTime(started).TotalSeconds,6:0} s  {requests} requests, " +
                    $"{(requests - lastRequests) / 5.0:0}/s, {(bytes - lastBytes) / 5.0 / (1 << 20):0.0} MiB/s");
                (lastRequests, lastBytes) = (requests, bytes);
            }
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task AnswerGrpcAsync(HttpContext context)
    {
        await DrainAsync(context.Request.BodyReader, context.RequestAborted);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(EmptyGrpcMessage, context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task AnswerHttpAsync(HttpContext context)
    {
        await DrainAsync(context.Request.BodyReader, context.RequestAborted);
        bool json = context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
        context.Response.ContentType = json ? "application/json" : "application/x-protobuf";
        if (json)
        {
            await context.Response.Body.WriteAsync(EmptyJsonObject, context.RequestAborted);
        }
    }

    private static async Task DrainAsync(PipeReader body, CancellationToken cancellationToken)
    {
        long length = 0;
        while (true)
        {
            ReadResult read = await body.ReadAsync(cancellationToken);
            length += read.Buffer.Length;
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytes, length);
    }
}
