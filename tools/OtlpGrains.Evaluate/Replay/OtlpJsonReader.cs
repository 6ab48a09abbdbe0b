using Google.Protobuf;
using Microsoft.Win32.SafeHandles;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Reads indexed requests (<see cref="OtlpJsonFiles.Index"/>) again from their files when their turn comes, so that a
/// replay holds one request in memory at a time, not the whole recording. Keeps each file open until disposed.
/// </summary>
internal sealed class OtlpJsonReader : IDisposable
{
    private readonly Dictionary<string, SafeFileHandle> _open = new(StringComparer.Ordinal);

    /// <summary>Reads an indexed request again, from its file.</summary>
    public IMessage Read(OtlpJsonEntry entry)
    {
        if (!_open.TryGetValue(entry.File, out var handle))
        {
            handle = File.OpenHandle(entry.File);
            _open.Add(entry.File, handle);
        }

        byte[] bytes = new byte[entry.Length];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(handle, bytes.AsSpan(read), entry.Offset + read);
            if (n == 0)
            {
                throw new ReplayInputException($"{entry.Where}: the file changed while it was replayed");
            }

            read += n;
        }

        return OtlpJsonRequest.Parse(entry, bytes).Request;
    }

    public void Dispose()
    {
        foreach (var handle in _open.Values)
        {
            handle.Dispose();
        }

        _open.Clear();
    }
}
