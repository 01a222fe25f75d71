using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CodegenCicd.Data;

/// <summary>
/// Tells a cache (<see cref="GenerationCache{TKey, TValue}"/>) after every committed write to the tables it is read
/// from, whichever feature wrote it and however (SaveChanges, ExecuteUpdate, ExecuteDelete): an EF Core
/// interceptor on this node's commands, told apart by their SQL. A write inside a transaction counts when the
/// transaction commits; before that no other connection can see it (it is also told at the statement: telling
/// early is harmless).
/// </summary>
/// <param name="writes">The statements that count: <see cref="WritesTo"/> the cache's tables.</param>
/// <param name="written">Called after each such write (the cache's Invalidate).</param>
public class TableWriteWatcher(Regex writes, Action written) : IDbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbTransaction, object> transactionsThatWrote = [];

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Written(command);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        Written(command);
        return ValueTask.FromResult(result);
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Written(command);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData,
        object? result, CancellationToken cancellationToken = default)
    {
        Written(command);
        return ValueTask.FromResult(result);
    }

    /// <summary>SaveChanges reads back generated values (RETURNING): its statement is done when its reader is.</summary>
    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData,
        InterceptionResult result)
    {
        Written(command);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (transactionsThatWrote.Remove(transaction))
        {
            written();
        }
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    private void Written(DbCommand command)
    {
        if (!writes.IsMatch(command.CommandText))
        {
            return;
        }
        if (command.Transaction is { } transaction)
        {
            transactionsThatWrote.AddOrUpdate(transaction, transaction);
        }
        // Also now: without a transaction the statement has committed; within one, telling early is harmless.
        written();
    }

    /// <summary>
    /// An INSERT, UPDATE or DELETE of one of <paramref name="tables"/> (named after their entities), as EF Core
    /// writes it for either provider (quoted names) or as someone might by hand (unquoted, any case); a SELECT
    /// never matches.
    /// </summary>
    public static Regex WritesTo(IEnumerable<string> tables) => new(
        $$"""\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?:{{string.Join('|', tables.Select(Regex.Escape))}})\b"?""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
}
