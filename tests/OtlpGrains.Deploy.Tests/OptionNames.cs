using System.Collections;
using System.Reflection;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// Whether an <c>OtlpGrains__...</c> environment variable is a setting the application binds: the options classes
/// of every OtlpGrains assembly the silo loads, found by their <c>SectionName</c>, walked property by property (list
/// settings take an index: <c>Keys__0__Hash</c>).
/// </summary>
internal static class OptionNames
{
    private static readonly Dictionary<string, Type> Sections = FindSections();

    /// <summary>Null when the application reads the variable; otherwise why not.</summary>
    public static string? Problem(string variable)
    {
        string key = variable.Replace("__", ":", StringComparison.Ordinal);
        var section = Sections.Keys
            .Where(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(s => s.Length)
            .FirstOrDefault();
        if (section is null)
        {
            return $"{variable}: no options class has a section that holds {key}";
        }

        Type type = Sections[section];
        foreach (string step in key[(section.Length + 1)..].Split(':'))
        {
            if (ElementType(type) is { } element)
            {
                if (!int.TryParse(step, out _))
                {
                    return $"{variable}: {step} should be a list index";
                }

                type = element;
                continue;
            }

            var property = type.GetProperty(step, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return $"{variable}: {type.Name} has no setting {step}";
            }

            type = property.PropertyType;
        }

        return type.IsPrimitive || type == typeof(string) || Nullable.GetUnderlyingType(type) is not null || type.IsEnum ? null
            : $"{variable}: {type.Name} is a section, not a value";
    }

    private static Type? ElementType(Type type) =>
        type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType ? type.GetGenericArguments()[0] : null;

    private static Dictionary<string, Type> FindSections()
    {
        Assembly[] assemblies =
        [
            typeof(OtlpGrains.Silo.StorageOptions).Assembly,
            typeof(OtlpGrains.Gateway.Configuration.ApiOptions).Assembly,
            typeof(OtlpGrains.Hosting.ClusterConnectionOptions).Assembly,
            typeof(OtlpGrains.Grains.Traces.TraceOptions).Assembly,
        ];
        return assemblies
            .SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(t => t.Field is { IsLiteral: true } && t.Field.GetRawConstantValue() is string name && name.StartsWith("OtlpGrains:", StringComparison.Ordinal))
            .ToDictionary(t => (string)t.Field!.GetRawConstantValue()!, t => t.Type, StringComparer.OrdinalIgnoreCase);
    }
}
