using System.IO.Compression;
using System.Text;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Reads RFC 4180 CSV one record at a time: quoted fields may hold commas, doubled quotes and line breaks. The Nezha
/// log column is a quoted JSON string, so splitting on commas would tear it apart.
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly string _source;
    private readonly StringBuilder _field = new();

    public CsvRecordReader(TextReader reader, string source)
    {
        _reader = reader;
        _source = source;
    }

    /// <summary>The record number of the last record read (1 = the header), for error messages.</summary>
    public long Record { get; private set; }

    /// <summary>Opens a file, decompressing it when its name ends in <c>.gz</c>.</summary>
    public static CsvRecordReader Open(string path)
    {
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        return new CsvRecordReader(new StreamReader(stream, Encoding.UTF8), Path.GetFileName(path));
    }

    /// <summary>The next record's fields, or null at the end of the input.</summary>
    public string[]? Read()
    {
        int c = _reader.Read();
        if (c < 0)
        {
            return null;
        }

        Record++;
        var fields = new List<string>();
        _field.Clear();
        bool quoted = false;
        bool fieldWasQuoted = false;
        while (true)
        {
            if (quoted)
            {
                if (c < 0)
                {
                    throw new ReplayInputException($"{_source}: record {Record} ends inside a quoted field");
                }

                if (c == '"')
                {
                    if (_reader.Peek() == '"')
                    {
                        _reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    _field.Append((char)c);
                }
            }
            else if (c == '"' && _field.Length == 0 && !fieldWasQuoted)
            {
                quoted = true;
                fieldWasQuoted = true;
            }
            else if (c == ',')
            {
                fields.Add(_field.ToString());
                _field.Clear();
                fieldWasQuoted = false;
            }
            else if (c is '\n' or '\r' or < 0)
            {
                if (c == '\r' && _reader.Peek() == '\n')
                {
                    _reader.Read();
                }

                fields.Add(_field.ToString());
                return [.. fields];
            }
            else
            {
                _field.Append((char)c);
            }

            c = _reader.Read();
        }
    }

    public void Dispose() => _reader.Dispose();
}
