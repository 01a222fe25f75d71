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
public sealed class CompiledQuery<TParam, TResult>(
    Expression<Func<AppDbContext, TParam, CancellationToken, TResult>> query)
{
    private readonly PerModel<Func<AppDbContext, TParam, CancellationToken, Task<TResult>>> compiled =
        new(() => EF.CompileAsyncQuery(query));

    public Task<TResult> RunAsync(AppDbContext db, TParam parameter, CancellationToken cancellationToken) =>
        compiled.For(db)(db, parameter, cancellationToken);
}

/// <summary>
/// As <see cref="CompiledQuery{TParam, TResult}"/>, for a list of rows selected by two parameters.
/// </summary>
public sealed class CompiledListQuery<TParam1, TParam2, TItem>(
    Expression<Func<AppDbContext, TParam1, TParam2, IQueryable<TItem>>> query)
{
    private readonly PerModel<Func<AppDbContext, TParam1, TParam2, IAsyncEnumerable<TItem>>> compiled =
        new(() => EF.CompileAsyncQuery(query));

    public async Task<List<TItem>> ToListAsync(
        AppDbContext db, TParam1 first, TParam2 second, CancellationToken cancellationToken)
    {
        var items = new List<TItem>();
        await foreach (var item in compiled.For(db)(db, first, second).WithCancellation(cancellationToken))
        {
            items.Add(item);
        }
        return items;
    }
}

/// <summary>One compiled query per model, compiled on first use with that model.</summary>
internal sealed class PerModel<TCompiled>(Func<TCompiled> compile)
    where TCompiled : class
{
    private readonly ConditionalWeakTable<IModel, TCompiled> byModel = new();

    // Made once: a lambda at the call would be a new delegate on every query.
    private readonly ConditionalWeakTable<IModel, TCompiled>.CreateValueCallback create = _ => compile();

    public TCompiled For(AppDbContext db) => byModel.GetValue(db.Model, create);
}
