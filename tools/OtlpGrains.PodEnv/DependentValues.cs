using System.Text;

namespace OtlpGrains.PodEnv;

/// <summary>
/// The kubelet's expansion of <c>$(NAME)</c> in an env entry's <c>value</c>: a variable set before it (by envFrom or an
/// earlier entry) is replaced, <c>$$</c> is a literal <c>$</c>, and a reference to an unknown name stays as written.
/// </summary>
public static class DependentValues
{
    public static string Expand(string value, IReadOnlyDictionary<string, string> known)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(known);
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 == value.Length)
            {
                result.Append(value[i]);
                continue;
            }

            char next = value[i + 1];
            int close = next == '(' ? value.IndexOf(')', i + 2) : -1;
            if (next == '$')
            {
                result.Append('$');
                i++;
            }
            else if (close > i + 2)
            {
                string name = value[(i + 2)..close];
                result.Append(known.TryGetValue(name, out var found) ? found : value[i..(close + 1)]);
                i = close;
            }
            else
            {
                // A lone $ or an unclosed $( is kept, with what follows it, as the kubelet does.
                result.Append('$');
            }
        }

        return result.ToString();
    }
}
