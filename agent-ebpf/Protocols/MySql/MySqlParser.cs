using System.Buffers.Binary;
using System.Globalization;

namespace OtlpGrains.Agent.Protocols.MySql;

/// <summary>
/// MySQL/MariaDB client/server protocol: the greeting and handshake response (database name, CLIENT_DEPRECATE_EOF,
/// TLS), then commands (sequence id 0) answered by OK, ERR or a result set whose end is found by counting column
/// definitions and reading EOF/OK terminators, following SERVER_MORE_RESULTS_EXISTS. COM_STMT_PREPARE responses map
/// statement ids to their text so COM_STMT_EXECUTE exchanges carry it.
/// </summary>
internal sealed class MySqlParser : FramedParser
{
    private const int MaxPacket = 0xFF_FFFF;
    private const uint ClientConnectWithDb = 0x8;
    private const uint ClientSsl = 0x800;
    private const uint ClientSecureConnection = 0x8000;
    private const uint ClientPluginAuthLenencData = 0x20_0000;
    private const uint ClientDeprecateEof = 0x100_0000;
    private const ushort ServerMoreResultsExist = 0x8;
    private const byte ComQuit = 0x01;
    private const byte ComInitDb = 0x02;
    private const byte ComQuery = 0x03;
    private const byte ComStmtPrepare = 0x16;
    private const byte ComStmtExecute = 0x17;
    private const byte ComStmtSendLongData = 0x18;
    private const byte ComStmtClose = 0x19;
    private const int MaxStatements = 256;
    private const int ResponsePrefix = 128;

    private readonly PendingQueue<MySqlCommand> _pending = new(ParserLimits.MaxPendingRequests);
    private readonly Dictionary<uint, (string? Statement, string? Operation)> _statements = [];
    private bool _handshake;
    private uint _serverCapabilities;
    private bool? _deprecateEof;
    private string? _dbName;
    private bool _mariaDb;
    private bool _requestContinues;
    private bool _responseContinues;
    private bool _responding;
    private MySqlCommand _current;
    private long _responseStartNs;
    private bool _responseTruncated;
    private MySqlResponsePhase _phase;
    private long _definitionsLeft;
    private long _columnsAfter;
    private MySqlResponsePhase _afterDefinitions;
    private string? _errorCode;

    public MySqlParser(Direction requestDirection, Action<ProtocolExchange> sink)
        : base(ProtocolKind.MySql, requestDirection, sink)
    {
    }

    protected override FrameStatus TryFrame(ParserSide side, ReadOnlySpan<byte> rest, out Frame frame)
    {
        frame = default;
        if (rest.Length < 4)
        {
            return FrameStatus.NeedMore;
        }

        var length = rest[0] | (rest[1] << 8) | (rest[2] << 16);
        var continues = side.IsRequest ? _requestContinues : _responseContinues;
        if (length == 0 && !continues)
        {
            return FrameStatus.Invalid;
        }

        var prefix = side.IsRequest ? Math.Min(length, ParserLimits.MaxTextLength + 1) : Math.Min(length, ResponsePrefix);
        frame = new Frame(4, length, continues ? 0 : prefix);
        return FrameStatus.Complete;
    }

    protected override void OnMessage(ParserSide side, ReadOnlySpan<byte> header, ReadOnlySpan<byte> prefix, in Frame frame,
        long startNs, long timestampNs, bool truncated)
    {
        var length = (int)frame.BodyLength;
        var sequence = header[3];
        ref var continues = ref side.IsRequest ? ref _requestContinues : ref _responseContinues;
        var wasContinuation = continues;

        // A packet of the maximum size is followed by more of the same payload, which carries no new message.
        continues = length == MaxPacket;
        if (wasContinuation)
        {
            return;
        }

        if (side.IsRequest)
        {
            OnRequest(sequence, prefix, length, startNs, timestampNs, truncated);
        }
        else
        {
            OnResponse(sequence, prefix, length, startNs, timestampNs, truncated);
        }
    }

    protected override bool LooksLikeMessageStart(ParserSide side, ReadOnlySpan<byte> data)
    {
        if (data.Length < 5)
        {
            return false;
        }

        var length = data[0] | (data[1] << 8) | (data[2] << 16);
        if (length == 0)
        {
            return false;
        }

        return side.IsRequest
            ? data[3] == 0 && data[4] is >= 0x01 and <= 0x1f
            : data[3] == 1 && (data[4] is 0x00 or 0xff or 0xfe || (data[4] < 0xfb && length == 1));
    }

    protected override void ResetState(ParserSide side)
    {
        if (side.IsRequest)
        {
            _requestContinues = false;
        }
        else
        {
            _responseContinues = false;
            _responding = false;
            _phase = MySqlResponsePhase.First;
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

    private static ushort ReadUInt16(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt16LittleEndian(bytes);

    private static bool TryReadLengthEncoded(ReadOnlySpan<byte> bytes, out long value, out int used)
    {
        value = 0;
        used = 0;
        if (bytes.IsEmpty)
        {
            return false;
        }

        var first = bytes[0];
        used = first switch { < 0xfb => 1, 0xfc => 3, 0xfd => 4, 0xfe => 9, _ => 0 };
        if (used == 0 || bytes.Length < used)
        {
            return false;
        }

        value = used switch
        {
            1 => first,
            3 => ReadUInt16(bytes[1..]),
            4 => bytes[1] | (bytes[2] << 8) | (bytes[3] << 16),
            _ => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(bytes[1..]), long.MaxValue),
        };
        return true;
    }

    /// <summary>Status flags of an OK packet (header, affected rows, last insert id, status) or of a 5-byte EOF packet.</summary>
    private static ushort StatusFlags(ReadOnlySpan<byte> packet, int length)
    {
        if (packet.Length >= 5 && packet[0] == 0xfe && length <= 5)
        {
            return ReadUInt16(packet[3..]);
        }

        if (packet.Length < 2 || !TryReadLengthEncoded(packet[1..], out _, out var affected) || !TryReadLengthEncoded(packet[(1 + affected)..], out _, out var insertId))
        {
            return 0;
        }

        var at = 1 + affected + insertId;
        return packet.Length >= at + 2 ? ReadUInt16(packet[at..]) : (ushort)0;
    }

    private void OnRequest(byte sequence, ReadOnlySpan<byte> prefix, int length, long startNs, long timestampNs, bool truncated)
    {
        if (_handshake)
        {
            if (sequence == 1)
            {
                OnHandshakeResponse(prefix, length);
            }

            return;
        }

        if (sequence != 0 || prefix.IsEmpty)
        {
            // LOCAL INFILE contents, or authentication data.
            return;
        }

        var code = prefix[0];
        var text = prefix[1..];
        var cut = truncated || length - 1 > text.Length;
        switch (code)
        {
            case ComQuery:
                Push(new MySqlCommand
                {
                    Code = code, Statement = AsciiText.Text(text), Operation = Sql.Operation(text), StartNs = startNs, EndNs = timestampNs,
                    Emit = true, Truncated = cut,
                });
                break;
            case ComStmtPrepare:
                Push(new MySqlCommand { Code = code, Statement = AsciiText.Text(text), Operation = Sql.Operation(text), StartNs = startNs, EndNs = timestampNs });
                break;
            case ComStmtExecute:
                var known = (null as string, null as string);
                if (text.Length >= 4)
                {
                    known = _statements.GetValueOrDefault(BinaryPrimitives.ReadUInt32LittleEndian(text));
                }

                Push(new MySqlCommand
                {
                    Code = code, Statement = known.Item1, Operation = known.Item2, StartNs = startNs, EndNs = timestampNs, Emit = true, Truncated = cut,
                });
                break;
            case ComStmtClose:
                if (text.Length >= 4)
                {
                    _statements.Remove(BinaryPrimitives.ReadUInt32LittleEndian(text));
                }

                break;
            case ComStmtSendLongData or ComQuit:
                // No response follows.
                break;
            case ComInitDb:
                Push(new MySqlCommand { Code = code, Statement = AsciiText.Text(text), StartNs = startNs, EndNs = timestampNs });
                break;
            default:
                Push(new MySqlCommand { Code = code, StartNs = startNs, EndNs = timestampNs });
                break;
        }
    }

    private void OnHandshakeResponse(ReadOnlySpan<byte> packet, int length)
    {
        if (packet.Length < 4)
        {
            return;
        }

        var capabilities = BinaryPrimitives.ReadUInt32LittleEndian(packet);
        if ((capabilities & ClientSsl) != 0 && length <= 32)
        {
            // An SSL request: the handshake goes on inside TLS.
            GiveUp();
            return;
        }

        _deprecateEof = (capabilities & _serverCapabilities & ClientDeprecateEof) != 0;
        if (packet.Length < 32)
        {
            return;
        }

        var rest = packet[32..];
        _ = Sql.CString(rest, out var userUsed);
        rest = rest[userUsed..];
        int authLength;
        int authHeader;
        if ((capabilities & ClientPluginAuthLenencData) != 0)
        {
            if (!TryReadLengthEncoded(rest, out var value, out authHeader))
            {
                return;
            }

            authLength = (int)Math.Min(value, rest.Length);
        }
        else if ((capabilities & ClientSecureConnection) != 0)
        {
            if (rest.IsEmpty)
            {
                return;
            }

            authHeader = 1;
            authLength = rest[0];
        }
        else
        {
            _ = Sql.CString(rest, out authLength);
            authHeader = 0;
        }

        if (authHeader + authLength > rest.Length)
        {
            return;
        }

        rest = rest[(authHeader + authLength)..];
        if ((capabilities & ClientConnectWithDb) != 0)
        {
            var database = Sql.CString(rest, out _);
            if (!database.IsEmpty)
            {
                _dbName = AsciiText.Text(database);
            }
        }
    }

    private void OnGreeting(ReadOnlySpan<byte> packet)
    {
        _handshake = true;
        var rest = packet[1..];
        var version = Sql.CString(rest, out var versionUsed);
        rest = rest[versionUsed..];

        // MariaDB names itself in the version ("5.5.5-10.11.6-MariaDB-0+deb12u1"); db.system.name tells the two apart.
        _mariaDb = version.IndexOf("MariaDB"u8) >= 0;

        // Connection id (4), first auth data (8), filler (1), capabilities low (2), charset (1), status (2), capabilities high (2).
        if (rest.Length >= 18)
        {
            _serverCapabilities = ReadUInt16(rest[13..]) | ((uint)ReadUInt16(rest[16..]) << 16);
        }
    }

    private void OnResponse(byte sequence, ReadOnlySpan<byte> packet, int length, long startNs, long timestampNs, bool truncated)
    {
        if (!_responding && _pending.Count == 0 && sequence == 0 && packet.Length > 1 && packet[0] == 10)
        {
            OnGreeting(packet);
            return;
        }

        if (_handshake)
        {
            if (!packet.IsEmpty && packet[0] is 0x00 or 0xff)
            {
                // Authentication ended (OK or ERR): commands follow.
                _handshake = false;
            }

            return;
        }

        if (_responding && sequence == 1 && _phase != MySqlResponsePhase.First)
        {
            // A new response began while the old one looked unfinished: the old one ended unseen.
            _responseTruncated = true;
            Complete(timestampNs);
        }

        for (var pass = 0; pass < 3; pass++)
        {
            if (!_responding)
            {
                _responding = true;
                _responseStartNs = startNs;
                _phase = MySqlResponsePhase.First;
                if (!_pending.TryDequeue(out _current))
                {
                    Unpaired++;
                    _current = default;
                }
            }

            _responseTruncated |= truncated;
            if (!Step(packet, length, timestampNs))
            {
                return;
            }
        }
    }

    /// <summary>Advances the response by one packet; true when the packet belongs to the next response and must be read again.</summary>
    private bool Step(ReadOnlySpan<byte> packet, int length, long timestampNs)
    {
        var first = packet.IsEmpty ? (byte)0 : packet[0];
        var isTerminator = first == 0xfe && length < MaxPacket && (length < 9 || _deprecateEof != false);
        switch (_phase)
        {
            case MySqlResponsePhase.First:
                if (first == 0x00)
                {
                    OnOk(packet, length, timestampNs);
                }
                else if (first == 0xff)
                {
                    OnError(packet, timestampNs);
                }
                else if (first == 0xfe && length < 9)
                {
                    Complete(timestampNs);
                }
                else if (first != 0xfb && TryReadLengthEncoded(packet, out var columns, out _) && columns > 0)
                {
                    StartDefinitions(columns, MySqlResponsePhase.Rows, 0);
                }
                else if (first != 0xfb)
                {
                    Complete(timestampNs);
                }

                return false;

            case MySqlResponsePhase.Definitions:
                if (--_definitionsLeft <= 0)
                {
                    EndDefinitions(timestampNs);
                }

                return false;

            case MySqlResponsePhase.OptionalEof:
                if (first == 0xfe && length <= 5)
                {
                    AfterDefinitions(timestampNs);
                    return false;
                }

                AfterDefinitions(timestampNs);
                return _responding ? Step(packet, length, timestampNs) : true;

            case MySqlResponsePhase.Rows:
                if (first == 0xff)
                {
                    OnError(packet, timestampNs);
                }
                else if (isTerminator)
                {
                    if ((StatusFlags(packet, length) & ServerMoreResultsExist) != 0)
                    {
                        _phase = MySqlResponsePhase.First;
                    }
                    else
                    {
                        Complete(timestampNs);
                    }
                }

                return false;

            default:
                Complete(timestampNs);
                return true;
        }
    }

    private void OnOk(ReadOnlySpan<byte> packet, int length, long timestampNs)
    {
        if (_current.Code == ComStmtPrepare && packet.Length >= 9)
        {
            // PREPARE_OK: statement id, column count, parameter count; their definitions follow.
            var statementId = BinaryPrimitives.ReadUInt32LittleEndian(packet[1..]);
            var columns = ReadUInt16(packet[5..]);
            var parameters = ReadUInt16(packet[7..]);
            if (_statements.Count >= MaxStatements)
            {
                _statements.Clear();
            }

            _statements[statementId] = (_current.Statement, _current.Operation);
            if (parameters > 0)
            {
                StartDefinitions(parameters, columns > 0 ? MySqlResponsePhase.Definitions : MySqlResponsePhase.Done, columns);
            }
            else if (columns > 0)
            {
                StartDefinitions(columns, MySqlResponsePhase.Done, 0);
            }
            else
            {
                Complete(timestampNs);
            }

            return;
        }

        if (_current.Code == ComInitDb && _current.Statement is not null)
        {
            _dbName = _current.Statement;
        }

        if ((StatusFlags(packet, length) & ServerMoreResultsExist) == 0)
        {
            Complete(timestampNs);
        }
    }

    private void OnError(ReadOnlySpan<byte> packet, long timestampNs)
    {
        _errorCode = packet.Length >= 3 ? ReadUInt16(packet[1..]).ToString(CultureInfo.InvariantCulture) : "ERROR";
        Complete(timestampNs);
    }

    private void StartDefinitions(long count, MySqlResponsePhase after, long columnsAfter)
    {
        _phase = MySqlResponsePhase.Definitions;
        _definitionsLeft = count;
        _afterDefinitions = after;
        _columnsAfter = columnsAfter;
    }

    private void EndDefinitions(long timestampNs)
    {
        if (_deprecateEof == true)
        {
            AfterDefinitions(timestampNs);
        }
        else
        {
            // Without CLIENT_DEPRECATE_EOF (or when the handshake was not seen) an EOF packet may close the definitions.
            _phase = MySqlResponsePhase.OptionalEof;
        }
    }

    private void AfterDefinitions(long timestampNs)
    {
        if (_afterDefinitions == MySqlResponsePhase.Definitions)
        {
            StartDefinitions(_columnsAfter, MySqlResponsePhase.Done, 0);
        }
        else if (_afterDefinitions == MySqlResponsePhase.Done)
        {
            Complete(timestampNs);
        }
        else
        {
            _phase = _afterDefinitions;
        }
    }

    private void Push(in MySqlCommand command)
    {
        if (!_pending.Enqueue(command))
        {
            Unpaired++;
        }
    }

    private void Complete(long timestampNs)
    {
        var errorCode = _errorCode;
        var truncated = _responseTruncated;
        var command = _current;
        _responding = false;
        _phase = MySqlResponsePhase.First;
        _errorCode = null;
        _responseTruncated = false;
        _current = default;
        if (!command.Emit)
        {
            return;
        }

        Emit(new ProtocolExchange
        {
            Kind = ProtocolKind.MySql,
            Role = Role,
            RequestStartNs = command.StartNs,
            RequestEndNs = command.EndNs,
            ResponseStartNs = _responseStartNs,
            ResponseEndNs = timestampNs,
            Statement = command.Statement,
            Operation = command.Operation,
            DbName = _dbName,
            IsMariaDb = _mariaDb,
            IsError = errorCode is not null,
            ErrorCode = errorCode,
            Truncated = truncated || command.Truncated,
        });
    }
}
