using System.Text.Json;
using Google.Protobuf;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Reads OTLP/JSON files as the Collector's <c>file</c> exporter writes them: one <c>ExportTraceServiceRequest</c>,
/// <c>ExportLogsServiceRequest</c> or <c>ExportMetricsServiceRequest</c> object per line (JSON Lines), or one object
/// per file (pretty-printed). The protobuf JSON mapping with OTLP's hex trace and span ids is parsed by the gateway's
/// own <c>OtlpJson</c> (Google.Protobuf's parser after the ids are turned to base64). A file is in JSON Lines
/// when its first non-blank line is a whole JSON value. Any unreadable object stops the replay with
/// <c>file:line: reason</c> before anything is sent; <see cref="OtlpJsonReader"/> reads each request again when its
/// turn comes.
/// </summary>
internal static class OtlpJsonFiles
{
    private static readonly string[] Extensions = [".json", ".jsonl", ".ndjson"];

    /// <summary>The file itself, or a folder's <c>.json</c>, <c>.jsonl</c> and <c>.ndjson</c> files by name.</summary>
    public static IReadOnlyList<string> Find(string path)
    {
        if (File.Exists(path))
        {
            return [path];
        }

        if (!Directory.Exists(path))
        {
            throw new ReplayInputException($"no such file or folder: {path}");
        }

        string[] files = [.. Directory.EnumerateFiles(path)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];
        return files.Length > 0 ? files : throw new ReplayInputException($"no .json, .jsonl or .ndjson files in {path}");
    }

    /// <summary>Every export request of a file, in file order, each parsed once to check it and learn its times.</summary>
    public static List<OtlpJsonEntry> Index(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        var entries = new List<OtlpJsonEntry>();
        List<(int Line, int Offset, int Length)> lines = NonBlankLines(bytes);
        if (lines.Count == 0)
        {
            return entries;
        }

        if (!IsWholeValue(bytes.AsSpan(lines[0].Offset, lines[0].Length)))
        {
            // One object per file, spread over lines.
            lines = [(lines[0].Line, 0, bytes.Length)];
        }

        foreach ((int line, int offset, int length) in lines)
        {
            var entry = new OtlpJsonEntry(file, line, offset, length, default, 0, null);
            (OtlpSignal signal, IMessage request) = OtlpJsonRequest.Parse(entry, bytes.AsSpan(offset, length));
            entries.Add(entry with { Signal = signal, Items = OtlpTimes.Items(request), TimeUnixNano = OtlpTimes.Latest(request) });
        }

        return entries;
    }

    private static bool IsWholeValue(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static List<(int Line, int Offset, int Length)> NonBlankLines(byte[] bytes)
    {
        var lines = new List<(int, int, int)>();
        int start = 0;
        for (int number = 1; start < bytes.Length; number++)
        {
            int newline = bytes.AsSpan(start).IndexOf((byte)'\n');
            int end = newline < 0 ? bytes.Length : start + newline;
            if (!bytes.AsSpan(start, end - start).Trim(" \t\r"u8).IsEmpty)
            {
                lines.Add((number, start, end - start));
            }

            start = end + 1;
        }

        return lines;
    }
}
