using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OtlpGrains.Hosting.Security;

/// <summary>Says at start-up, in one line, whether cluster connections are mutual TLS or plain TCP.</summary>
public static class ClusterTlsAnnouncement
{
    /// <summary>Registers the line: <paramref name="credentials"/> null means plain TCP.</summary>
    public static IServiceCollection AddClusterTlsAnnouncement(this IServiceCollection services, ClusterCredentials? credentials, string role) =>
        services.AddHostedService(provider => new Announcer(
            provider.GetRequiredService<IHostApplicationLifetime>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("OtlpGrains.Cluster"),
            Line(credentials, role)));

    /// <summary>The line for <paramref name="credentials"/>, e.g. for a silo or a gateway (<paramref name="role"/>).</summary>
    public static string Line(ClusterCredentials? credentials, string role) => credentials is null
        ? $"Cluster TLS off: {role} connections are plain TCP (set {ClusterTlsOptions.SectionName}:CertificatePath, KeyPath and CaPath for mutual TLS)"
        : $"Cluster TLS on: {role} connections are mutual TLS as {credentials.Certificate.Subject} (expires {credentials.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}), peers must chain to {credentials.Authority.Subject}";

    private sealed class Announcer(IHostApplicationLifetime lifetime, ILogger logger, string line) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() => logger.LogInformation("{Line}", line));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
