using System.Net;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Hosting;

namespace OtlpGrains.Gateway.Hosting;

/// <summary>Checks the gateway's options at start-up, with one line per problem naming the setting.</summary>
internal sealed class GatewayOptionsValidator :
    IValidateOptions<OtlpReceiverOptions>, IValidateOptions<ApiOptions>, IValidateOptions<ClusterConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, OtlpReceiverOptions options)
    {
        var failures = new List<string>();
        Port(failures, "OtlpGrains:Otlp:GrpcPort", options.GrpcPort);
        Port(failures, "OtlpGrains:Otlp:HttpPort", options.HttpPort);
        Address(failures, "OtlpGrains:Otlp:ListenAddress", options.ListenAddress);
        if (options.GrpcPort == options.HttpPort)
        {
            failures.Add("OtlpGrains:Otlp:GrpcPort and HttpPort must differ (gRPC needs an HTTP/2-only port)");
        }

        AtLeast(failures, "OtlpGrains:Otlp:MaxRequestBytes", options.MaxRequestBytes, 1024);
        AtLeast(failures, "OtlpGrains:Otlp:MaxInFlightItems", options.MaxInFlightItems, 1);
        AtLeast(failures, "OtlpGrains:Otlp:RetryAfterSeconds", options.RetryAfterSeconds, 1);
        AtLeast(failures, "OtlpGrains:Otlp:GrainTimeoutSeconds", options.GrainTimeoutSeconds, 1);
        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = new List<string>();
        Port(failures, "OtlpGrains:Api:Port", options.Port);
        Address(failures, "OtlpGrains:Api:ListenAddress", options.ListenAddress);
        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, ClusterConnectionOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("OtlpGrains:Cluster:ClusterId must not be empty");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add("OtlpGrains:Cluster:ServiceId must not be empty");
        }

        Port(failures, "OtlpGrains:Cluster:SiloPort", options.SiloPort);
        Port(failures, "OtlpGrains:Cluster:GatewayPort", options.GatewayPort);
        Address(failures, "OtlpGrains:Cluster:AdvertisedAddress", options.AdvertisedAddress);
        return Result(failures);
    }

    private static void Port(List<string> failures, string setting, int port)
    {
        if (port is < 1 or > 65535)
        {
            failures.Add($"{setting} must be a TCP port between 1 and 65535, not {port}");
        }
    }

    private static void Address(List<string> failures, string setting, string value)
    {
        if (!IPAddress.TryParse(value, out _))
        {
            failures.Add($"{setting} must be an IP address, not '{value}'");
        }
    }

    private static void AtLeast(List<string> failures, string setting, long value, long minimum)
    {
        if (value < minimum)
        {
            failures.Add($"{setting} must be at least {minimum}, not {value}");
        }
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
