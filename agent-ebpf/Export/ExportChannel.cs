using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;

namespace OtlpGrains.Agent.Export;

/// <summary>
/// The gRPC channel to the gateway that both exporters use, and the headers every call carries. On an <c>https</c>
/// endpoint the gateway's certificate is checked: against <see cref="OtlpExportOptions.CertificatePath"/> when set (and
/// then against nothing else), the system's trust store otherwise; its name must match the endpoint's host either way.
/// </summary>
public sealed class ExportChannel : IDisposable
{
    private readonly X509Certificate2Collection _authorities;

    private ExportChannel(GrpcChannel channel, Metadata headers, X509Certificate2Collection authorities)
    {
        Channel = channel;
        Headers = headers;
        _authorities = authorities;
    }

    public GrpcChannel Channel { get; }

    /// <summary>Metadata for every call (<see cref="OtlpExportOptions.Headers"/>).</summary>
    public Metadata Headers { get; }

    /// <summary>Opens the channel <paramref name="options"/> describe.</summary>
    /// <exception cref="FormatException">A header, certificate or key setting cannot be used; one line naming it.</exception>
    public static ExportChannel Open(OtlpExportOptions options)
    {
        var headers = OtlpHeaders.Parse(options.Headers);
        var authorities = new X509Certificate2Collection();
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        try
        {
            if (!string.IsNullOrWhiteSpace(options.CertificatePath))
            {
                Read("OTEL_EXPORTER_OTLP_CERTIFICATE", options.CertificatePath, () => authorities.ImportFromPemFile(options.CertificatePath));
                if (authorities.Count == 0)
                {
                    throw new FormatException($"OTEL_EXPORTER_OTLP_CERTIFICATE {options.CertificatePath} holds no PEM certificate");
                }

                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ChainsTo(authorities, certificate, chain, errors);
            }

            if (!string.IsNullOrWhiteSpace(options.ClientCertificatePath) || !string.IsNullOrWhiteSpace(options.ClientKeyPath))
            {
                handler.SslOptions.ClientCertificates = [ClientCertificate(options.ClientCertificatePath, options.ClientKeyPath)];
            }
        }
        catch
        {
            handler.Dispose();
            foreach (var authority in authorities)
            {
                authority.Dispose();
            }

            throw;
        }

        var channel = GrpcChannel.ForAddress(options.Endpoint, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        return new ExportChannel(channel, headers, authorities);
    }

    public void Dispose()
    {
        Channel.Dispose();
        foreach (var authority in _authorities)
        {
            authority.Dispose();
        }
    }

    // The configured CA replaces the system's trust: a certificate a public CA issued for the same name is refused.
    private static bool ChainsTo(X509Certificate2Collection authorities, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the gateway sent can complete the chain; they are not trusted by themselves.
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainElements.Select(e => e.Certificate).ToArray());
        }

        return chain.Build(server);
    }

    private static X509Certificate2 ClientCertificate(string? certificatePath, string? keyPath)
    {
        if (string.IsNullOrWhiteSpace(certificatePath) || string.IsNullOrWhiteSpace(keyPath))
        {
            throw new FormatException("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY go together: set both or neither");
        }

        return Read("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", certificatePath, () =>
        {
            // A PEM key lives only in memory; a PKCS#12 round trip gives TLS a key it can sign with on every platform.
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        });
    }

    private static void Read(string name, string path, Action read) => Read<object?>(name, path, () =>
    {
        read();
        return null;
    });

    private static T Read<T>(string name, string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new FormatException($"{name} {path} cannot be used: {exception.Message}", exception);
        }
    }
}
