namespace OtlpGrains.PodEnv;

/// <summary>The parsed command line of <see cref="PodEnvCommand"/>.</summary>
internal sealed record PodEnvOptions(string Kind, string Name, string? Container, string? File, SuppliedValues Supplied)
{
    public static bool TryParse(IReadOnlyList<string> args, out PodEnvOptions options, out string problem)
    {
        options = new PodEnvOptions(string.Empty, string.Empty, null, null, new SuppliedValues());
        string? workload = null;
        string? container = null;
        string? file = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name is not ("--workload" or "--container" or "--file" or "--field" or "--secret"))
            {
                problem = $"unknown argument '{name}'";
                return false;
            }

            if (i + 1 == args.Count)
            {
                problem = $"{name} needs a value";
                return false;
            }

            string value = args[++i];
            switch (name)
            {
                case "--workload":
                    workload = value;
                    break;
                case "--container":
                    container = value;
                    break;
                case "--file":
                    file = value == "-" ? null : value;
                    break;
                case "--field" when Split(value, '=') is ({ Length: > 0 } path, { } text):
                    fields[path] = text;
                    break;
                case "--secret" when Split(value, '=') is ({ } reference, { } text) && Split(reference, ':') is ({ Length: > 0 } secret, { Length: > 0 } key):
                    if (!secrets.TryGetValue(secret, out var keys))
                    {
                        secrets[secret] = keys = new Dictionary<string, string>(StringComparer.Ordinal);
                    }

                    keys[key] = text;
                    break;
                default:
                    problem = name == "--field" ? $"--field takes PATH=VALUE, not '{value}'" : $"--secret takes NAME:KEY=VALUE, not '{Shown(value)}'";
                    return false;
            }
        }

        if (workload is null || Split(workload, '/') is not ({ Length: > 0 } kind, { Length: > 0 } workloadName) || workloadName.Contains('/', StringComparison.Ordinal))
        {
            problem = workload is null ? "--workload KIND/NAME is required" : $"--workload takes KIND/NAME, not '{workload}'";
            return false;
        }

        options = new PodEnvOptions(kind, workloadName, container, file, new SuppliedValues
        {
            Fields = fields,
            Secrets = secrets.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, string>)p.Value, StringComparer.Ordinal),
        });
        problem = string.Empty;
        return true;
    }

    /// <summary>Text before and after the first <paramref name="separator"/>; (null, null) without one.</summary>
    private static (string?, string?) Split(string text, char separator)
    {
        int at = text.IndexOf(separator, StringComparison.Ordinal);
        return at < 0 ? (null, null) : (text[..at], text[(at + 1)..]);
    }

    /// <summary>A malformed --secret as the error shows it: the value is a secret, so only what precedes it.</summary>
    private static string Shown(string value) => value.Contains('=', StringComparison.Ordinal) ? value[..value.IndexOf('=', StringComparison.Ordinal)] + "=..." : value;
}
