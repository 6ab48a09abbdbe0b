namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// The records of a CSV after its header that can be read by column: blank lines are passed over, and a record with
/// another number of fields than the header (a torn row) is skipped and counted in <paramref name="malformed"/>.
/// </summary>
internal static class CsvRows
{
    public static IEnumerable<string[]> Fitting(CsvRecordReader reader, CsvHeader header, string source, MalformedRows? malformed)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(header);
        int width = header.Columns.Length;
        for (string[]? row; (row = reader.Read()) is not null;)
        {
            if (row.Length == 1 && row[0].Length == 0)
            {
                continue;
            }

            if (row.Length != width)
            {
                MalformedRows.Skip(malformed, $"{source}: record {reader.Record} has {row.Length} fields, the header {width}");
                continue;
            }

            yield return row;
        }
    }
}
