using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Hub.Data.Claims;

/// <summary>
/// Ends a query tagged <see cref="Tag"/> with <c>FOR UPDATE SKIP LOCKED</c>, which LINQ can't say: the
/// <see cref="RowClaimer"/> writes its filter once, in LINQ, for both stores, and PostgreSQL gets the row locks.
/// </summary>
public sealed class SkipLockedInterceptor : DbCommandInterceptor
{
    public const string Tag = "hub:claim:for-update-skip-locked";

    public static SkipLockedInterceptor Instance { get; } = new();

    private SkipLockedInterceptor()
    {
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Lock(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Lock(command);
        return ValueTask.FromResult(result);
    }

    private static void Lock(DbCommand command)
    {
        // EF writes tags as leading "-- " comment lines.
        if (command.CommandText.StartsWith("-- " + Tag, StringComparison.Ordinal))
        {
            command.CommandText = command.CommandText.TrimEnd().TrimEnd(';') + " FOR UPDATE SKIP LOCKED";
        }
    }
}
