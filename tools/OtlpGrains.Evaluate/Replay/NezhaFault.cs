using System.Globalization;
using System.Text.Json;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>One injected fault: the faulty pod and its service, when (UTC), and what was injected.</summary>
internal sealed record NezhaFault(string Service, string Pod, DateTimeOffset InjectedAt, string Type);

/// <summary>
/// Reads a Nezha fault list (<c>{"08": [{"inject_time", "inject_timestamp", "inject_pod", "inject_type"}], ...}</c>,
/// grouped by hour). <c>inject_time</c> is taken as UTC: the recorded <c>inject_timestamp</c> is eight hours off
/// (the injector's local zone) and is not used.
/// </summary>
internal static class NezhaFaultList
{
    public static IReadOnlyList<NezhaFault> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ReplayInputException($"no fault list {path}");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            return Parse(document.RootElement, Path.GetFileName(path));
        }
        catch (JsonException e)
        {
            throw new ReplayInputException($"{Path.GetFileName(path)}: not JSON ({e.Message.Split('\n')[0]})");
        }
    }

    internal static IReadOnlyList<NezhaFault> Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ReplayInputException($"{source}: expected an object of hours");
        }

        var faults = new List<NezhaFault>();
        foreach (JsonProperty hour in root.EnumerateObject())
        {
            if (hour.Value.ValueKind != JsonValueKind.Array)
            {
                throw new ReplayInputException($"{source}: hour '{hour.Name}' is not a list of faults");
            }

            foreach (JsonElement fault in hour.Value.EnumerateArray())
            {
                string time = Text(fault, "inject_time", source);
                if (!DateTime.TryParseExact(time, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime at))
                {
                    throw new ReplayInputException($"{source}: inject_time '{time}' is not yyyy-MM-dd HH:mm:ss");
                }

                string pod = Text(fault, "inject_pod", source);
                faults.Add(new NezhaFault(
                    PodName.ServiceOf(pod), pod, new DateTimeOffset(at, TimeSpan.Zero), Text(fault, "inject_type", source)));
            }
        }

        return [.. faults.OrderBy(f => f.InjectedAt)];
    }

    private static string Text(JsonElement fault, string name, string source) =>
        fault.ValueKind == JsonValueKind.Object && fault.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new ReplayInputException($"{source}: a fault has no text '{name}'");
}
