namespace OtlpGrains.Agent.Tls;

/// <summary>The TLS implementations whose plaintext the agent reads with uprobes.</summary>
public enum TlsLibraryKind
{
    /// <summary>OpenSSL's <c>libssl.so*</c> (and forks exporting its names): SSL_read/SSL_write and the _ex forms.</summary>
    OpenSsl,

    /// <summary>GnuTLS's <c>libgnutls.so*</c>: gnutls_record_send/gnutls_record_recv.</summary>
    GnuTls,

    /// <summary>A Go executable's own crypto/tls: (*Conn).Write and (*Conn).Read.</summary>
    Go,
}

/// <summary>Names of <see cref="TlsLibraryKind"/> for people and for metric attributes.</summary>
public static class TlsLibraryKinds
{
    public static IReadOnlyList<TlsLibraryKind> All { get; } = [TlsLibraryKind.OpenSsl, TlsLibraryKind.GnuTls, TlsLibraryKind.Go];

    /// <summary>As the agent's lines print it: OpenSSL, GnuTLS, Go crypto/tls.</summary>
    public static string DisplayName(this TlsLibraryKind kind) => kind switch
    {
        TlsLibraryKind.OpenSsl => "OpenSSL",
        TlsLibraryKind.GnuTls => "GnuTLS",
        _ => "Go crypto/tls",
    };

    /// <summary>The <c>library</c> attribute of the agent's TLS counters: openssl, gnutls, go.</summary>
    public static string AttributeValue(this TlsLibraryKind kind) => kind switch
    {
        TlsLibraryKind.OpenSsl => "openssl",
        TlsLibraryKind.GnuTls => "gnutls",
        _ => "go",
    };
}
