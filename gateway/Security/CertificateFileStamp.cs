namespace OtlpGrains.Gateway.Security;

/// <summary>
/// What identifies one version of a certificate, key or CA file without reading it: its real path (every symbolic
/// link on the way resolved, the folder's too), its modification time and its length. Cheap enough (a few <c>stat</c> calls) to compare on every TLS
/// handshake, which is what catches a change when a file watcher misses it (network volumes, and Kubernetes Secret
/// volumes, which swap a <c>..data</c> symbolic link instead of writing the file).
/// </summary>
internal readonly record struct CertificateFileStamp(string Target, long WriteTicks, long Length)
{
    /// <summary>The stamp of the file at <paramref name="path"/>; a missing file has a stamp of its own.</summary>
    public static CertificateFileStamp Of(string path)
    {
        try
        {
            var target = RealPath(Path.GetFullPath(path), 0);
            var file = new FileInfo(target);
            return file.Exists ? new(target, file.LastWriteTimeUtc.Ticks, file.Length) : new(target, -1, -1);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A link whose target is being swapped, or a directory we may not read: a stamp of its own, which a
            // later handshake compares again.
            return new(path, -1, -1);
        }
    }

    /// <summary>
    /// The path with every symbolic link resolved, folders included: a Kubernetes Secret volume serves
    /// <c>tls.crt</c> as <c>..data/tls.crt</c> and rotates by pointing <c>..data</c> at a new folder, so the file's
    /// own link never changes but its real path does.
    /// </summary>
    private static string RealPath(string path, int depth)
    {
        // Linux gives up after 40 links too (ELOOP).
        if (depth > 40 || Path.GetDirectoryName(path) is not { } folder)
        {
            return path;
        }

        var resolved = Path.Combine(RealPath(folder, depth), Path.GetFileName(path));
        var link = new FileInfo(resolved).LinkTarget;
        return link is null ? resolved : RealPath(Path.GetFullPath(link, Path.GetDirectoryName(resolved)!), depth + 1);
    }
}

/// <summary>The stamps of the certificate, key and CA files that make up one set of TLS credentials.</summary>
internal readonly record struct CertificateFileStamps(CertificateFileStamp Certificate, CertificateFileStamp? Key, CertificateFileStamp? ClientCa)
{
    public static CertificateFileStamps Of(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(
            CertificateFileStamp.Of(options.CertificatePath!),
            string.IsNullOrWhiteSpace(options.KeyPath) ? null : CertificateFileStamp.Of(options.KeyPath),
            string.IsNullOrWhiteSpace(options.ClientCaPath) ? null : CertificateFileStamp.Of(options.ClientCaPath));
    }
}
