namespace OtlpGrains.Models.Logs;

/// <summary>
/// Dates written out in a message (<c>at Fri Jun 17 07:07:00 2005</c>, <c>Sat May 8 09:04:50 EDT 2004</c>) are
/// one value, though they span several tokens: once the masker has turned their numbers into wildcards, a run of
/// month or weekday names, wildcards and time zones becomes one wildcard, so the event keeps one token count.
/// </summary>
internal static class LogDates
{
    private static readonly string[] Names =
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
        "January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December",
        "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ];

    private static readonly string[] Zones =
        ["UTC", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "CET", "CEST", "BST", "IST", "JST", "AM", "PM"];

    private const string WildcardComma = LogMasker.Wildcard + ",";

    /// <summary>Collapses every date run of <paramref name="line"/> that holds a name and a wildcard.</summary>
    public static void Collapse(MaskedLine line)
    {
        for (int i = 0; i < line.Count; i++)
        {
            if (Kind(line.Token(i)) == Part.None)
            {
                continue;
            }

            int end = i;
            bool named = false, valued = false;
            while (end < line.Count && Kind(line.Token(end)) is var part and not Part.None)
            {
                named |= part == Part.Name;
                valued |= part == Part.Value;
                end++;
            }

            if (!named || !valued || end - i < 2)
            {
                i = end - 1;
                continue;
            }

            line.ReplaceRun(i, end - i, line.Token(end - 1)[^1] == ',' ? WildcardComma : LogMasker.Wildcard);
        }
    }

    private enum Part
    {
        None,
        Name,
        Value,
        Zone,
    }

    private static Part Kind(ReadOnlySpan<char> token)
    {
        ReadOnlySpan<char> core = token.EndsWith(',') ? token[..^1] : token;
        if (core.SequenceEqual(LogMasker.Wildcard))
        {
            return Part.Value;
        }

        if (core.Length is < 1 or > 9 || !char.IsAsciiLetterUpper(core[0]))
        {
            return Part.None;
        }

        foreach (string name in Names)
        {
            if (core.SequenceEqual(name))
            {
                return Part.Name;
            }
        }

        foreach (string zone in Zones)
        {
            if (core.SequenceEqual(zone))
            {
                return Part.Zone;
            }
        }

        return Part.None;
    }
}
