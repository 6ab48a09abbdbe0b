using System.Text;
using System.Text.Json;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Reads a Nezha log file (<c>Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log</c>), where Log is
/// the container runtime's JSON (<c>{"log":"16:42:22.382 INFO ...\n","stream":"stdout",...}</c>).
/// </summary>
internal static class NezhaLogFile
{
    public static List<NezhaLogLine> Read(string path)
    {
        using CsvRecordReader reader = CsvRecordReader.Open(path);
        return Read(reader, Path.GetFileName(path));
    }

    public static List<NezhaLogLine> Read(CsvRecordReader reader, string source)
    {
        CsvHeader header = CsvHeader.Read(reader, source);
        int time = header.IndexOf("TimeUnixNano"), pod = header.IndexOf("PodName");
        int traceId = header.IndexOf("TraceID"), spanId = header.IndexOf("SpanID"), log = header.IndexOf("Log");
        int width = header.Columns.Length;
        var lines = new List<NezhaLogLine>();
        for (string[]? row; (row = reader.Read()) is not null;)
        {
            if (row.Length == 1 && row[0].Length == 0)
            {
                continue;
            }

            if (row.Length != width)
            {
                throw new ReplayInputException($"{source}: record {reader.Record} has {row.Length} fields, the header {width}");
            }

            string text = TextOf(row[log]);
            (int number, string severity) = LogSeverity.Of(text);
            lines.Add(new NezhaLogLine(
                NezhaTraceFile.UnixNanos(row[time], source, reader.Record), row[pod], row[traceId], row[spanId], text, number, severity));
        }

        return lines;
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
