
namespace Hub.Server.Modules.Contacts;

/// <summary>
/// What an import did. <c>processed</c> = <c>created</c> + <c>updated</c> + <c>rejected</c>; a user id seen twice
/// in a file counts as created once, then updated. <c>errors</c> lists the rejected rows in file order, at most
/// <see cref="ImportReportBuilder.MaxErrors"/> (then <c>errors_truncated</c> is true).
/// </summary>
public sealed record ImportReport(int Processed, int Created, int Updated, int Rejected, IReadOnlyList<ImportRowError> Errors, bool ErrorsTruncated);

/// <summary>A rejected row: where it is in the file, its user id when it had one, and what is wrong, by field.</summary>
public sealed record ImportRowError(long Row, string? UserId, Dictionary<string, string[]> Errors);

/// <summary>Counts an import's outcomes as it goes.</summary>
internal sealed class ImportReportBuilder
{
    public const int MaxErrors = 1000;

    private readonly List<ImportRowError> _errors = [];
    private int _created;
    private int _updated;
    private int _rejected;

    public int Processed => _created + _updated + _rejected;

    public void Count(bool created)
    {
        if (created)
        {
            _created++;
        }
        else
        {
            _updated++;
        }
    }

    public void Reject(long row, string? userId, Dictionary<string, string[]> errors)
    {
        _rejected++;
        if (_errors.Count < MaxErrors)
        {
            _errors.Add(new ImportRowError(row, userId, errors));
        }
    }

    // Rows rejected when their batch is written are found after later rows that failed to parse: sort by row.
    public ImportReport Build() =>
        new(Processed, _created, _updated, _rejected, [.. _errors.OrderBy(e => e.Row)], _rejected > _errors.Count);
}

/// <summary>The request body, refused past a byte limit (whether or not the client sent a Content-Length).</summary>
internal sealed class ImportBodyStream(Stream inner, long limit) : Stream
{
    private long _read;

    /// <summary>Whether the body went past the limit (reading then threw).</summary>
    public bool Exceeded { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Counted(int read)
    {
        _read += read;
        if (_read > limit)
        {
            Exceeded = true;
            throw new BadHttpRequestException($"The body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        return read;
    }
}
