namespace OtlpGrains.Models.Evaluation.Loghub;

/// <summary>
/// Reads the benchmark's CSV files (RFC 4180): comma-separated cells, cells in double quotes may hold commas,
/// line breaks and doubled quotes. The first record is the header.
/// </summary>
public static class LoghubCsv
{
    /// <summary>The records of <paramref name="text"/>, header first; every record must have the header's cell count.</summary>
    public static List<string[]> Parse(string text, string source)
    {
        var records = new List<string[]>();
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        int i = 0, line = 1;
        bool any = false;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '"' && cell.Length == 0)
            {
                int opened = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new LoghubFormatException($"{source}:{opened}: a quoted cell is not closed");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            cell.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    line += text[i] == '\n' ? 1 : 0;
                    cell.Append(text[i++]);
                }

                if (i < text.Length && text[i] is not ',' and not '\r' and not '\n')
                {
                    throw new LoghubFormatException($"{source}:{line}: text after a closing quote");
                }

                any = true;
                continue;
            }

            if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
                any = true;
                i++;
            }
            else if (c is '\r' or '\n')
            {
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                EndRecord();
                line++;
            }
            else
            {
                cell.Append(c);
                any = true;
                i++;
            }
        }

        EndRecord();
        if (records.Count == 0)
        {
            throw new LoghubFormatException($"{source}: empty file");
        }

        return records;

        void EndRecord()
        {
            if (!any)
            {
                return; // a blank line
            }

            cells.Add(cell.ToString());
            cell.Clear();
            if (records.Count > 0 && cells.Count != records[0].Length)
            {
                throw new LoghubFormatException($"{source}:{line}: {cells.Count} cells, the header has {records[0].Length}");
            }

            records.Add([.. cells]);
            cells.Clear();
            any = false;
        }
    }
}
