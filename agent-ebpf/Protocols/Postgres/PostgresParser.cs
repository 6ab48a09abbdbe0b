using System.Buffers.Binary;

namespace OtlpGrains.Agent.Protocols.Postgres;

/// <summary>
/// PostgreSQL protocol 3.0. Each simple query (Q) and each extended-query batch (Parse/Bind/Execute ... Sync) is closed
/// by one ReadyForQuery (Z); an ErrorResponse before it makes the exchange an error with its SQLSTATE. Start-up
/// parameters give the database name; an accepted SSLRequest means TLS follows, which this parser cannot read.
/// </summary>
internal sealed class PostgresParser : FramedParser
{
    private const int SslRequestCode = 80877103;
    private const int GssEncRequestCode = 80877104;
    private const int Protocol3 = 0x0003_0000;
    private const int MaxMessageLength = 1 << 30;
    private const int MaxPrepared = 128;
    private const int ErrorPrefix = 512;

    private readonly PendingQueue<PostgresUnit> _pending = new(ParserLimits.MaxPendingRequests);
    private readonly Dictionary<string, (string? Statement, string? Operation)> _prepared = new(StringComparer.Ordinal);
    private string? _dbName;
    private bool _awaitingEncryptionAnswer;
    private bool _inBatch;
    private bool _batchExecutes;
    private long _batchStartNs;
    private string? _batchStatement;
    private string? _batchOperation;
    private bool _batchTruncated;
    private bool _responding;
    private long _responseStartNs;
    private string? _errorCode;
    private bool _responseTruncated;

    public PostgresParser(Direction requestDirection, Action<ProtocolExchange> sink)
        : base(ProtocolKind.Postgres, requestDirection, sink)
    {
    }

    private static bool IsFrontendType(byte type) => type is (byte)'Q' or (byte)'P' or (byte)'B' or (byte)'E' or (byte)'S' or (byte)'D'
        or (byte)'C' or (byte)'H' or (byte)'X' or (byte)'p' or (byte)'d' or (byte)'c' or (byte)'f' or (byte)'F';

    private static bool IsBackendType(byte type) => type is (byte)'R' or (byte)'S' or (byte)'K' or (byte)'Z' or (byte)'T' or (byte)'D'
        or (byte)'C' or (byte)'E' or (byte)'N' or (byte)'1' or (byte)'2' or (byte)'3' or (byte)'n' or (byte)'s' or (byte)'t'
        or (byte)'I' or (byte)'G' or (byte)'H' or (byte)'W' or (byte)'d' or (byte)'c' or (byte)'A' or (byte)'v' or (byte)'V';

    protected override FrameStatus TryFrame(ParserSide side, ReadOnlySpan<byte> rest, out Frame frame)
    {
        frame = default;
        if (!side.IsRequest && _awaitingEncryptionAnswer)
        {
            // The answer to SSLRequest/GSSENCRequest is one unframed byte.
            if (rest.IsEmpty)
            {
                return FrameStatus.NeedMore;
            }

            frame = new Frame(1, 0, 0);
            return FrameStatus.Complete;
        }

        if (side.IsRequest && !rest.IsEmpty && rest[0] == 0)
        {
            // Untyped start-up, SSLRequest or CancelRequest: a length below 16 MiB starts with a zero byte.
            if (rest.Length < 8)
            {
                return FrameStatus.NeedMore;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(rest);
            if (length is < 8 or > 10_000)
            {
                return FrameStatus.Invalid;
            }

            frame = new Frame(4, length - 4, length - 4);
            return FrameStatus.Complete;
        }

        if (rest.Length < 5)
        {
            return FrameStatus.NeedMore;
        }

        var type = rest[0];
        var messageLength = BinaryPrimitives.ReadInt32BigEndian(rest[1..]);
        if (messageLength is < 4 or > MaxMessageLength || !(side.IsRequest ? IsFrontendType(type) : IsBackendType(type)))
        {
            return FrameStatus.Invalid;
        }

        long body = messageLength - 4;
        var prefix = side.IsRequest
            ? type is (byte)'Q' or (byte)'P' or (byte)'B' ? (int)Math.Min(body, ParserLimits.MaxTextLength + 256) : 0
            : type == (byte)'E' ? (int)Math.Min(body, ErrorPrefix) : 0;
        frame = new Frame(5, body, prefix);
        return FrameStatus.Complete;
    }

    protected override void OnMessage(ParserSide side, ReadOnlySpan<byte> header, ReadOnlySpan<byte> prefix, in Frame frame,
        long startNs, long timestampNs, bool truncated)
    {
        if (side.IsRequest)
        {
            OnFrontend(header, prefix, startNs, timestampNs, truncated);
        }
        else
        {
            OnBackend(header, prefix, startNs, timestampNs, truncated);
        }
    }

    protected override bool LooksLikeMessageStart(ParserSide side, ReadOnlySpan<byte> data)
    {
        if (data.Length < 5)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(data[1..]);
        return length is >= 4 and <= MaxMessageLength && (side.IsRequest ? IsFrontendType(data[0]) : IsBackendType(data[0]));
    }

    protected override void ResetState(ParserSide side)
    {
        if (side.IsRequest)
        {
            _inBatch = false;
            _batchExecutes = false;
            _batchStatement = null;
            _batchOperation = null;
        }
        else
        {
            _responding = false;
            _errorCode = null;
        }
    }

    protected override void OnFramingLost(ParserSide side, long timestampNs)
    {
        if (!side.IsRequest && _responding)
        {
            _responseTruncated = true;
            Complete(timestampNs);
        }
    }

    private void OnFrontend(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body, long startNs, long timestampNs, bool truncated)
    {
        if (header[0] == 0)
        {
            OnUntyped(body, startNs, timestampNs);
            return;
        }

        switch (header[0])
        {
            case (byte)'Q':
                var sql = Sql.CString(body, out _);
                Push(new PostgresUnit
                {
                    Statement = AsciiText.Text(sql),
                    Operation = Sql.Operation(sql),
                    StartNs = startNs,
                    EndNs = timestampNs,
                    Emit = true,
                    Truncated = truncated || body.IndexOf((byte)0) < 0,
                });
                break;

            case (byte)'P':
                StartBatch(startNs);
                var name = Sql.CString(body, out var used);
                var query = Sql.CString(body[used..], out _);
                _batchStatement = AsciiText.Text(query);
                _batchOperation = Sql.Operation(query);
                _batchTruncated = truncated || body[used..].IndexOf((byte)0) < 0;
                if (_prepared.Count >= MaxPrepared)
                {
                    _prepared.Clear();
                }

                _prepared[AsciiText.Text(name)] = (_batchStatement, _batchOperation);
                break;

            case (byte)'B':
                StartBatch(startNs);
                _ = Sql.CString(body, out var portalUsed);
                var statementName = Sql.CString(body[portalUsed..], out _);
                (_batchStatement, _batchOperation) = _prepared.GetValueOrDefault(AsciiText.Text(statementName));
                break;

            case (byte)'E':
                StartBatch(startNs);
                _batchExecutes = true;
                break;

            case (byte)'D' or (byte)'C' or (byte)'H':
                StartBatch(startNs);
                break;

            case (byte)'S':
                StartBatch(startNs);
                Push(new PostgresUnit
                {
                    Statement = _batchStatement,
                    Operation = _batchOperation,
                    StartNs = _batchStartNs,
                    EndNs = timestampNs,
                    Emit = _batchExecutes,
                    Truncated = _batchTruncated,
                });
                _inBatch = false;
                _batchExecutes = false;
                _batchTruncated = false;
                break;

            case (byte)'F':
                Push(new PostgresUnit { Operation = "FUNCTION", StartNs = startNs, EndNs = timestampNs, Emit = true });
                break;

            default:
                // Password, COPY data, Terminate: no ReadyForQuery of their own.
                break;
        }
    }

    private void OnUntyped(ReadOnlySpan<byte> body, long startNs, long timestampNs)
    {
        if (body.Length < 4)
        {
            return;
        }

        var code = BinaryPrimitives.ReadInt32BigEndian(body);
        if (code is SslRequestCode or GssEncRequestCode)
        {
            _awaitingEncryptionAnswer = true;
            return;
        }

        if (code != Protocol3)
        {
            return;
        }

        // Start-up parameters: name/value C strings up to an empty name.
        var parameters = body[4..];
        string? user = null;
        string? database = null;
        for (var i = 0; i < 64 && !parameters.IsEmpty && parameters[0] != 0; i++)
        {
            var key = Sql.CString(parameters, out var keyUsed);
            var value = Sql.CString(parameters[keyUsed..], out var valueUsed);
            if (key.SequenceEqual("database"u8))
            {
                database = AsciiText.Text(value);
            }
            else if (key.SequenceEqual("user"u8))
            {
                user = AsciiText.Text(value);
            }

            parameters = parameters[(keyUsed + valueUsed)..];
        }

        _dbName = database ?? user;
        Push(new PostgresUnit { StartNs = startNs, EndNs = timestampNs, Emit = false });
    }

    private void OnBackend(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body, long startNs, long timestampNs, bool truncated)
    {
        if (_awaitingEncryptionAnswer)
        {
            _awaitingEncryptionAnswer = false;
            if (header[0] is (byte)'S' or (byte)'G')
            {
                // The rest of the connection is encrypted.
                GiveUp();
            }

            return;
        }

        if (header[0] is (byte)'N' or (byte)'A' or (byte)'S' && !_responding)
        {
            // Notices, notifications and parameter changes can come at any time.
            return;
        }

        if (!_responding)
        {
            _responding = true;
            _responseStartNs = startNs;
        }

        _responseTruncated |= truncated;
        switch (header[0])
        {
            case (byte)'E':
                _errorCode = SqlState(body) ?? "ERROR";
                break;

            case (byte)'Z':
                Complete(timestampNs);
                break;

            default:
                break;
        }
    }

    private static string? SqlState(ReadOnlySpan<byte> fields)
    {
        for (var i = 0; i < 32 && !fields.IsEmpty && fields[0] != 0; i++)
        {
            var code = fields[0];
            var value = Sql.CString(fields[1..], out var used);
            if (code == (byte)'C')
            {
                return value.Length is > 0 and <= 8 ? AsciiText.UpperToken(value) : null;
            }

            fields = fields[(1 + used)..];
        }

        return null;
    }

    private void StartBatch(long startNs)
    {
        if (!_inBatch)
        {
            _inBatch = true;
            _batchStartNs = startNs;
            _batchTruncated = false;
        }
    }

    private void Push(in PostgresUnit unit)
    {
        if (!_pending.Enqueue(unit))
        {
            Unpaired++;
        }
    }

    private void Complete(long timestampNs)
    {
        var errorCode = _errorCode;
        var truncated = _responseTruncated;
        _responding = false;
        _errorCode = null;
        _responseTruncated = false;
        if (!_pending.TryDequeue(out var unit))
        {
            Unpaired++;
            return;
        }

        if (!unit.Emit)
        {
            return;
        }

        Emit(new ProtocolExchange
        {
            Kind = ProtocolKind.Postgres,
            Role = Role,
            RequestStartNs = unit.StartNs,
            RequestEndNs = unit.EndNs,
            ResponseStartNs = _responseStartNs,
            ResponseEndNs = timestampNs,
            Statement = unit.Statement,
            Operation = unit.Operation,
            DbName = _dbName,
            IsError = errorCode is not null,
            ErrorCode = errorCode,
            Truncated = truncated || unit.Truncated,
        });
    }
}
