using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CodegenCicd.Data;

/// <summary>
/// A query EF Core translates once instead of on every call (<see cref="EF.CompileAsyncQuery{TContext,TParam1,TResult}(Expression{Func{TContext,TParam1,CancellationToken,TResult}})"/>),
/// for the queries that run once per webhook delivery. EF binds a compiled query to the model it first ran with
/// and refuses any other, so there is one per model: SQLite and PostgreSQL have different models, and so do
/// two hosts in one process (the tests run many).
/// </summary>
public sealed class CompiledQuery<TParam, TResult>
{
    private readonly ConditionalWeakTable<IModel, Func<AppDbContext, TParam, CancellationToken, Task<TResult>>> byModel =
        new();

    private readonly ConditionalWeakTable<IModel, Func<AppDbContext, TParam, CancellationToken, Task<TResult>>>
        .CreateValueCallback compile;

    public CompiledQuery(Expression<Func<AppDbContext, TParam, CancellationToken, TResult>> query) =>
        compile = _ => EF.CompileAsyncQuery(query);

    public Task<TResult> RunAsync(AppDbContext db, TParam parameter, CancellationToken cancellationToken) =>
        byModel.GetValue(db.Model, compile)(db, parameter, cancellationToken);
}

/// <summary>
/// As <see cref="CompiledQuery{TParam, TResult}"/>, for a list of rows selected by two parameters (one model, one
/// compiled query).
/// </summary>
public sealed class CompiledListQuery<TParam1, TParam2, TItem>
{
    private readonly ConditionalWeakTable<IModel, Func<AppDbContext, TParam1, TParam2, IAsyncEnumerable<TItem>>> byModel =
        new();

    private readonly ConditionalWeakTable<IModel, Func<AppDbContext, TParam1, TParam2, IAsyncEnumerable<TItem>>>
        .CreateValueCallback compile;

    public CompiledListQuery(Expression<Func<AppDbContext, TParam1, TParam2, IQueryable<TItem>>> query) =>
        compile = _ => EF.CompileAsyncQuery(query);

    public async Task<List<TItem>> ToListAsync(
        AppDbContext db, TParam1 first, TParam2 second, CancellationToken cancellationToken)
    {
        var items = new List<TItem>();
        await foreach (var item in byModel.GetValue(db.Model, compile)(db, first, second)
            .WithCancellation(cancellationToken))
        {
            items.Add(item);
        }
        return items;
    }
}
