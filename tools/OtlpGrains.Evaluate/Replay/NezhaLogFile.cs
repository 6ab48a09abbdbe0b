using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Reads a Nezha log file (<c>Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log</c>), where Log is
/// the container runtime's JSON (<c>{"log":"16:42:22.382 INFO ...\n","stream":"stdout",...}</c>).
/// </summary>
internal static class NezhaLogFile
{
    public static List<NezhaLogLine> Read(string path, MalformedRows? malformed = null)
    {
        using CsvRecordReader reader = CsvRecordReader.Open(path);
        return Read(reader, Path.GetFileName(path), malformed);
    }

    public static List<NezhaLogLine> Read(CsvRecordReader reader, string source, MalformedRows? malformed = null)
    {
        CsvHeader header = CsvHeader.Read(reader, source);
        int timestamp = header.IndexOf("Timestamp"), time = header.IndexOf("TimeUnixNano"), pod = header.IndexOf("PodName");
        int traceId = header.IndexOf("TraceID"), spanId = header.IndexOf("SpanID"), log = header.IndexOf("Log");
        var lines = new List<NezhaLogLine>();
        foreach (string[] row in CsvRows.Fitting(reader, header, source, malformed))
        {
            if (TimeOf(row[time], row[timestamp]) is not long at)
            {
                MalformedRows.Skip(malformed, $"{source}: record {reader.Record} has neither a TimeUnixNano ('{row[time]}') nor a Timestamp ('{row[timestamp]}') to go by");
                continue;
            }

            string text = TextOf(row[log]);
            (int number, string severity) = LogSeverity.Of(text);
            lines.Add(new NezhaLogLine(
                at, row[pod], row[traceId], row[spanId], text, number, severity));
        }

        return lines;
    }

    /// <summary>
    /// TimeUnixNano, or when that is not a positive number (a few recorded rows hold garbage such as
    /// <c>-6795364578871345152</c>) the ISO Timestamp column, read as UTC to the nanosecond; null when neither is a time.
    /// </summary>
    internal static long? TimeOf(string unixNanos, string timestamp)
    {
        if (long.TryParse(unixNanos, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0)
        {
            return value;
        }

        ReadOnlySpan<char> text = timestamp.AsSpan().TrimEnd('Z');
        int dot = text.IndexOf('.');
        ReadOnlySpan<char> whole = dot < 0 ? text : text[..dot], fraction = dot < 0 ? [] : text[(dot + 1)..];
        if (DateTime.TryParseExact(whole, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime at)
            && fraction.Length <= 9
            && (fraction.IsEmpty || long.TryParse(fraction, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            long nanos = fraction.IsEmpty ? 0 : long.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture) * (long)Math.Pow(10, 9 - fraction.Length);
            return ((at - DateTime.UnixEpoch).Ticks * 100) + nanos;
        }

        return null;
    }

    /// <summary>
    /// The <c>log</c> field of the first JSON object, without its line break. A few recorded rows carry junk after
    /// the object, which is ignored; a value that is not such an object is taken as the text itself.
    /// </summary>
    internal static string TextOf(string column)
    {
        try
        {
            var json = new Utf8JsonReader(Encoding.UTF8.GetBytes(column), new JsonReaderOptions { AllowTrailingCommas = false });
            if (json.Read() && json.TokenType == JsonTokenType.StartObject)
            {
                while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                {
                    bool isLog = json.ValueTextEquals("log"u8);
                    json.Read();
                    if (isLog && json.TokenType == JsonTokenType.String)
                    {
                        return json.GetString()!.TrimEnd('\r', '\n');
                    }

                    json.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not the container JSON: fall through to the raw text.
        }

        return column.TrimEnd('\r', '\n');
    }
}
