using System.Globalization;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Reads a Nezha trace file (<c>TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano,
/// Duration</c>; a root's ParentID is <c>root</c>) as one minute's spans.
/// </summary>
internal static class NezhaTraceFile
{
    public static List<NezhaSpan> Read(string path, MalformedRows? malformed = null)
    {
        using CsvRecordReader reader = CsvRecordReader.Open(path);
        return Read(reader, Path.GetFileName(path), malformed);
    }

    public static List<NezhaSpan> Read(CsvRecordReader reader, string source, MalformedRows? malformed = null)
    {
        CsvHeader header = CsvHeader.Read(reader, source);
        int traceId = header.IndexOf("TraceID"), spanId = header.IndexOf("SpanID"), parentId = header.IndexOf("ParentID");
        int pod = header.IndexOf("PodName"), operation = header.IndexOf("OperationName");
        int start = header.IndexOf("StartTimeUnixNano"), end = header.IndexOf("EndTimeUnixNano");
        var spans = new List<NezhaSpan>();
        foreach (string[] row in CsvRows.Fitting(reader, header, source, malformed))
        {
            string parent = row[parentId];
            spans.Add(new NezhaSpan(
                row[traceId],
                row[spanId],
                parent is "root" or "" ? null : parent,
                row[pod],
                row[operation],
                UnixNanos(row[start], source, reader.Record),
                UnixNanos(row[end], source, reader.Record)));
        }

        return spans;
    }

    internal static long UnixNanos(string text, string source, long record) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new ReplayInputException($"{source}: record {record} has a time '{text}' that is not Unix nanoseconds");
}
