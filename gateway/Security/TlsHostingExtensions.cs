using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OtlpGrains.Gateway.Security;

/// <summary>Wires <see cref="TlsOptions"/> into the host and the gateway's Kestrel listeners.</summary>
public static class TlsHostingExtensions
{
    /// <summary>Binds and validates <c>OtlpGrains:Tls</c> and registers what the listeners' handshakes use.</summary>
    public static IServiceCollection AddGatewayTls(this IServiceCollection services)
    {
        services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>();
        services.AddSingleton<TlsInstruments>();
        services.AddSingleton<CertificateRotation>();
        services.AddSingleton<ClientCertificatePolicy>();
        services.AddSingleton<TlsHandshake>();
        return services;
    }

    /// <summary>Sets the listener's HTTP versions; returns it, so that <see cref="UseGatewayTls"/> can follow.</summary>
    public static ListenOptions WithProtocols(this ListenOptions listen, HttpProtocols protocols)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Protocols = protocols;
        return listen;
    }

    /// <summary>
    /// Puts TLS in front of <paramref name="listen"/> when a certificate is configured and this listener is not opted
    /// out. The first call loads the files, so a certificate that cannot be used stops start-up here.
    /// </summary>
    public static ListenOptions UseGatewayTls(this ListenOptions listen, TlsListener listener)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var services = listen.ApplicationServices;
        if (!services.GetRequiredService<IOptions<TlsOptions>>().Value.AppliesTo(listener))
        {
            return listen;
        }

        var handshake = services.GetRequiredService<TlsHandshake>();
        return listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = handshake.OptionsAsync });
    }

    /// <summary>The start-up line that says whether the listeners speak TLS, with which certificate, and whether mTLS is on.</summary>
    public static void LogTlsAtStart(IServiceProvider services, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<TlsOptions>>().Value;
        var listeners = Enum.GetValues<TlsListener>().Where(options.AppliesTo).Select(Name).ToArray();
        if (listeners.Length == 0)
        {
            logger.LogInformation("TLS        off: cleartext on every listener (set {Section}:CertificatePath and KeyPath for https)", TlsOptions.SectionName);
            return;
        }

        var certificate = services.GetRequiredService<CertificateRotation>().Current.Certificate;
        logger.LogInformation(
            "TLS        on {Listeners} with {Subject} (thumbprint {Thumbprint}, valid until {NotAfter:u}), reloaded when {Path} changes; {Mtls}",
            string.Join(", ", listeners),
            certificate.Subject,
            certificate.Thumbprint,
            certificate.NotAfter.ToUniversalTime(),
            options.CertificatePath,
            options.MutualTls ? $"mTLS on: client certificates must chain to {options.ClientCaPath}" : "mTLS off");
        if (listeners.Length < 3)
        {
            logger.LogWarning("TLS is off on {Listeners} ({Section}:<listener>=false): that traffic is cleartext", string.Join(", ", Enum.GetValues<TlsListener>().Where(l => !options.AppliesTo(l)).Select(Name)), TlsOptions.SectionName);
        }
    }

    private static string Name(TlsListener listener) => listener switch
    {
        TlsListener.OtlpGrpc => "OTLP/gRPC",
        TlsListener.OtlpHttp => "OTLP/HTTP",
        _ => "API",
    };
}
