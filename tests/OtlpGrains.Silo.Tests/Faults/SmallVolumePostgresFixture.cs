using OtlpGrains.TestSupport;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>
/// A PostgreSQL server whose data directory sits on a small tmpfs volume of its own, which a test can fill to the last
/// byte (<see cref="FillAsync"/>) and free again (<see cref="Free"/>), as when a node's disk fills. The write-ahead log
/// is on another volume (<c>initdb --waldir</c>), as production setups often have it: with the WAL on the full volume
/// PostgreSQL stops itself (PANIC) at the next segment and stays down until it is restarted with space, which is the
/// stopped-database case.
/// </summary>
public sealed class SmallVolumePostgresFixture : PostgresFixture
{
    private const string VolumeSize = "192m";
    private bool _mounted;

    private string Filler => Path.Combine(DataVolume, "filler");

    protected override string? WalDirectory => Path.Combine(Folder, "wal");

    /// <summary>Fills the data volume: writes zeros until the filesystem says there is no space left.</summary>
    public async Task<long> FillAsync()
    {
        var buffer = new byte[1 << 20];
        long written = 0;
        await using var file = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                await file.WriteAsync(buffer);
                written += buffer.Length;
            }
        }
        catch (IOException)
        {
            // ENOSPC: the volume is full. Fill the last partial megabyte too.
            for (var size = buffer.Length / 2; size >= 512; size /= 2)
            {
                try
                {
                    await file.WriteAsync(buffer.AsMemory(0, size));
                    written += size;
                }
                catch (IOException)
                {
                }
            }
        }

        return written;
    }

    /// <summary>Frees the space <see cref="FillAsync"/> took.</summary>
    public void Free() => File.Delete(Filler);

    protected override async Task PrepareDataVolumeAsync()
    {
        if (!RunsAsRoot)
        {
            throw new InvalidOperationException("the full-disk test mounts a tmpfs volume and must run as root (as CI runs `bash tests/run.sh`)");
        }

        await RunAsync("mount", ["-t", "tmpfs", "-o", $"size={VolumeSize},mode=0700", "tmpfs", DataVolume], asPostgres: false);
        _mounted = true;
    }

    protected override async Task ReleaseDataVolumeAsync()
    {
        if (_mounted)
        {
            _mounted = false;
            await RunAsync("umount", ["-l", DataVolume], asPostgres: false);
        }
    }
}
