using System.Text.Json;
using Google.Protobuf;
using OtlpGrains.Gateway.Otlp;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// One OTLP/JSON export request: its signal, told by its one top-level field in either JSON name, and the request
/// parsed by the gateway's <see cref="OtlpJson"/>. Errors are <see cref="ReplayInputException"/>s that name the
/// entry's file and line.
/// </summary>
internal static class OtlpJsonRequest
{
    public static (OtlpSignal Signal, IMessage Request) Parse(OtlpJsonEntry entry, ReadOnlySpan<byte> json)
    {
        OtlpSignal signal = SignalOf(entry, json);
        try
        {
            return (signal, signal switch
            {
                OtlpSignal.Traces => OtlpJson.ParseTraces(json),
                OtlpSignal.Logs => OtlpJson.ParseLogs(json),
                _ => (IMessage)OtlpJson.ParseMetrics(json),
            });
        }
        catch (OtlpFormatException e)
        {
            throw new ReplayInputException($"{entry.Where}: {e.Message}");
        }
    }

    private static OtlpSignal SignalOf(OtlpJsonEntry entry, ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ReplayInputException($"{entry.Where}: not an OTLP export request: a JSON object was expected");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                switch (reader.GetString())
                {
                    case "resourceSpans" or "resource_spans":
                        return OtlpSignal.Traces;
                    case "resourceLogs" or "resource_logs":
                        return OtlpSignal.Logs;
                    case "resourceMetrics" or "resource_metrics":
                        return OtlpSignal.Metrics;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new ReplayInputException($"{entry.Where}: invalid JSON: {e.Message.ReplaceLineEndings(" ")}");
        }

        throw new ReplayInputException($"{entry.Where}: not an OTLP export request: no resourceSpans, resourceLogs or resourceMetrics");
    }
}
