namespace OtlpGrains.PodEnv;

/// <summary>
/// Writes an environment as a file for <c>podman run --env-file</c> (or <c>docker run</c>): one <c>NAME=VALUE</c> a
/// line, sorted so two runs diff cleanly. Such a file takes every value literally (no quotes, no escapes) up to the end
/// of the line, so a value with a line break, or a name with a space or <c>=</c>, cannot be written.
/// </summary>
public static class EnvFile
{
    public static void Write(TextWriter output, string heading, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);
        var lines = new List<string>(environment.Count);
        foreach (var (name, value) in environment.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (name.Length == 0 || name.Any(c => c == '=' || char.IsWhiteSpace(c) || char.IsControl(c)) || name[0] == '#')
            {
                throw new PodEnvException($"the variable name '{name}' cannot stand in an env file");
            }

            if (value.Any(c => c is '\n' or '\r' or '\0'))
            {
                throw new PodEnvException($"{name}'s value has a line break, which an env file cannot carry");
            }

            lines.Add($"{name}={value}");
        }

        // Checked whole before the first line is written, so a failure leaves no half-written file behind a pipe.
        output.WriteLine($"# {heading}");
        foreach (string line in lines)
        {
            output.WriteLine(line);
        }
    }
}
