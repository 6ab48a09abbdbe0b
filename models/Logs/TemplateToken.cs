namespace OtlpGrains.Models.Logs;

/// <summary>
/// Matching and generalising one template token against one masked line token. A template token is a literal, the
/// wildcard, or a literal with a wildcard inside (<c>node-&lt;*&gt;</c>, <c>(&lt;*&gt;)</c>) that matches any token
/// with the same prefix and suffix.
/// </summary>
internal static class TemplateToken
{
    public static bool Matches(string template, ReadOnlySpan<char> token)
    {
        if (token.SequenceEqual(template))
        {
            return true;
        }

        int first = template.IndexOf(LogMasker.Wildcard, StringComparison.Ordinal);
        if (first < 0)
        {
            return false;
        }

        int afterLast = template.LastIndexOf(LogMasker.Wildcard, StringComparison.Ordinal) + LogMasker.Wildcard.Length;
        ReadOnlySpan<char> prefix = template.AsSpan(0, first);
        ReadOnlySpan<char> suffix = template.AsSpan(afterLast);
        return token.Length >= prefix.Length + suffix.Length && token.StartsWith(prefix) && token.EndsWith(suffix);
    }

    /// <summary>
    /// The most specific token that matches both: the common prefix and suffix, each cut back to a boundary character
    /// (<see cref="LogTokenShapes.IsBoundary"/>), around a wildcard. <c>node-7</c> and <c>node-12</c> give
    /// <c>node-&lt;*&gt;</c>; <c>IRQ0</c> and <c>IRQ9</c> give <c>&lt;*&gt;</c>.
    /// </summary>
    public static string Generalise(string template, ReadOnlySpan<char> token)
    {
        var (prefix, suffix) = Common(template, token);
        return prefix == 0 && suffix == 0
            ? LogMasker.Wildcard
            : string.Concat(template.AsSpan(0, prefix), LogMasker.Wildcard, template.AsSpan(template.Length - suffix));
    }

    /// <summary>Whether generalising keeps some constant structure, a key or a bracket, around the wildcard.</summary>
    public static bool KeepsStructure(string template, ReadOnlySpan<char> token) => Common(template, token) != (0, 0);

    /// <summary>The lengths of the constant prefix and suffix that <see cref="Generalise"/> keeps.</summary>
    private static (int Prefix, int Suffix) Common(string template, ReadOnlySpan<char> token)
    {
        int first = template.IndexOf(LogMasker.Wildcard, StringComparison.Ordinal);
        ReadOnlySpan<char> prefixSource = first < 0 ? template : template.AsSpan(0, first);
        int afterLast = first < 0 ? 0 : template.LastIndexOf(LogMasker.Wildcard, StringComparison.Ordinal) + LogMasker.Wildcard.Length;
        ReadOnlySpan<char> suffixSource = template.AsSpan(afterLast);

        int prefix = prefixSource.CommonPrefixLength(token);
        while (prefix > 0 && !LogTokenShapes.IsBoundary(prefixSource[prefix - 1]))
        {
            prefix--;
        }

        int room = Math.Min(suffixSource.Length, token.Length - prefix);
        if (first < 0)
        {
            room = Math.Min(room, template.Length - prefix);
        }

        int suffix = 0;
        while (suffix < room && suffixSource[^(suffix + 1)] == token[^(suffix + 1)])
        {
            suffix++;
        }

        while (suffix > 0 && !LogTokenShapes.IsBoundary(suffixSource[^suffix]))
        {
            suffix--;
        }

        return (prefix, suffix);
    }
}
