using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Hosting;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// The TLS credentials the listeners serve now, reloaded without a restart when the files change. Two ways notice a
/// change: a file watcher on the files' folders, and a comparison of the files' stamps on every handshake (a few
/// <c>stat</c> calls, small beside the handshake's own cryptography), because watchers miss events on some volumes.
/// A change that cannot be loaded (a certificate whose new key is not written yet, an unreadable file) keeps the
/// old credentials, is counted and logged once, and is retried when the files change again.
/// </summary>
internal sealed partial class CertificateRotation : IDisposable
{
    private readonly TlsOptions _options;
    private readonly TlsInstruments _instruments;
    private readonly ILogger<CertificateRotation> _logger;
    private readonly Lock _reload = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private TlsCredentials _current;
    private CertificateFileStamps? _failed;

    /// <summary>Loads the files once; a file that cannot be used stops start-up with a one-line <see cref="StartupException"/>.</summary>
    public CertificateRotation(IOptions<TlsOptions> options, TlsInstruments instruments, ILogger<CertificateRotation> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _instruments = instruments;
        _logger = logger;
        if (!_options.Enabled)
        {
            throw new InvalidOperationException($"{TlsOptions.SectionName}:CertificatePath is not set");
        }

        try
        {
            _current = TlsCredentials.Load(_options, CertificateFileStamps.Of(_options));
        }
        catch (TlsFileException exception)
        {
            throw new StartupException($"{TlsOptions.SectionName}: {exception.Message}", exception);
        }

        instruments.Serving(_current.Certificate.NotAfter);
        Watch();
    }

    /// <summary>The credentials to serve, after checking the files' stamps (called once per TLS handshake).</summary>
    public TlsCredentials Current
    {
        get
        {
            var current = Volatile.Read(ref _current);
            var stamps = CertificateFileStamps.Of(_options);
            return stamps == current.Stamps ? current : Reload(stamps);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
    }

    /// <summary>Loads the files as they are now, unless this version of them is loaded or already failed.</summary>
    private TlsCredentials Reload(CertificateFileStamps stamps)
    {
        // One reload at a time. A handshake that arrives meanwhile waits for it (milliseconds, and only while the
        // files change) rather than take the old certificate: the next connection after a change must see it.
        lock (_reload)
        {
            var current = _current;
            if (stamps == current.Stamps || stamps == _failed)
            {
                return current;
            }

            try
            {
                var loaded = TlsCredentials.Load(_options, stamps);
                // The old certificate is not disposed: handshakes that took it may still be running.
                Volatile.Write(ref _current, loaded);
                _failed = null;
                _instruments.Reloaded();
                _instruments.Serving(loaded.Certificate.NotAfter);
                LogReloaded(_logger, _options.CertificatePath!, loaded.Certificate.Subject, loaded.Certificate.Thumbprint, loaded.Certificate.NotAfter.ToUniversalTime());
                return loaded;
            }
            catch (TlsFileException exception)
            {
                _failed = stamps;
                _instruments.ReloadFailed();
                LogReloadFailed(_logger, current.Certificate.Thumbprint, exception.Message);
                return current;
            }
        }
    }

    private void Watch()
    {
        string?[] paths = [_options.CertificatePath, _options.KeyPath, _options.ClientCaPath];
        var folders = paths.Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => Path.GetDirectoryName(Path.GetFullPath(p!))!)
            .Distinct(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            try
            {
                // The whole folder, not the file names: a Kubernetes Secret volume changes by renaming its ..data link.
                var watcher = new FileSystemWatcher(folder)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                };
                watcher.Changed += OnFolderChanged;
                watcher.Created += OnFolderChanged;
                watcher.Deleted += OnFolderChanged;
                watcher.Renamed += OnFolderChanged;
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception exception) when (exception is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                // Out of inotify watches, say: the handshake's stamp check still sees every change.
                LogWatchUnavailable(_logger, folder, exception.Message);
            }
        }
    }

    private void OnFolderChanged(object sender, FileSystemEventArgs e)
    {
        try
        {
            _ = Current;
        }
#pragma warning disable CA1031 // An exception on the watcher's thread would end the process; the next handshake looks again.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogWatchCheckFailed(_logger, exception.GetType().Name, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS certificate reloaded from {Path}: {Subject}, thumbprint {Thumbprint}, valid until {NotAfter:u}")]
    private static partial void LogReloaded(ILogger logger, string path, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS files changed but cannot be used, still serving the certificate with thumbprint {Thumbprint}: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string thumbprint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the TLS files after a change failed ({Type}: {Reason}); the next TLS handshake checks again")]
    private static partial void LogWatchCheckFailed(ILogger logger, string type, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Folder} for certificate changes ({Reason}); changes are still picked up at the next TLS handshake")]
    private static partial void LogWatchUnavailable(ILogger logger, string folder, string reason);
}
