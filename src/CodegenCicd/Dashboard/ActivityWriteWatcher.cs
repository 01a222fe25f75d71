using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CodegenCicd.Dashboard;

/// <summary>
/// Starts a new <see cref="ProjectActivityCache"/> generation after every committed write to the tables a
/// project's activity is read from, whichever feature wrote it and however (SaveChanges, ExecuteUpdate,
/// ExecuteDelete): an EF Core interceptor on this node's commands, told apart by their SQL. A write inside a
/// transaction counts when the transaction commits; before that no other connection can see it.
/// </summary>
public sealed partial class ActivityWriteWatcher(ProjectActivityCache cache)
    : IDbCommandInterceptor, IDbTransactionInterceptor
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
            cache.Invalidate();
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
        if (!IsActivityWrite(command.CommandText))
        {
            return;
        }
        if (command.Transaction is { } transaction)
        {
            transactionsThatWrote.AddOrUpdate(transaction, transaction);
        }
        // Also now: without a transaction the statement has committed; within one, invalidating early is harmless.
        cache.Invalidate();
    }

    /// <summary>
    /// An INSERT, UPDATE or DELETE of one of the tables the activity is read from, as EF Core writes it for
    /// either provider (quoted names) or as someone might by hand (unquoted, any case); a SELECT never matches.
    /// </summary>
    internal static bool IsActivityWrite(string sql) => ActivityWrite().IsMatch(sql);

    // The tables of PipelineRun, PipelineStage, AgentRun and AgentRunPullRequest (named after their entities).
    [GeneratedRegex("""\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?:PipelineRun|PipelineStage|AgentRun|AgentRunPullRequest)\b"?""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ActivityWrite();
}
