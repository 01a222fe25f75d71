using Microsoft.CodeAnalysis;

namespace CodegenCicd.Tests.Architecture;

/// <summary>
/// Each feature owns the tables of the entities declared in its folder. Other features ask the
/// owner through a small service; only the owner (and the Data kernel) names the table itself.
/// </summary>
public sealed class TableOwnershipTests
{
    [Fact]
    public void Tables_AreQueriedOnlyByTheFolderThatOwnsThem()
    {
        var trespasses = SymbolReferences.InApp
            .Select(r => (Reference: r, Entity: TableOf(r.Symbol)))
            .Where(x => x.Entity is not null)
            .Select(x => (x.Reference, Owner: AppSources.Instance.FolderOf(x.Entity!) ?? "Data", x.Entity))
            .Where(x => x.Reference.FromFolder != x.Owner && x.Reference.FromFolder != "Data")
            .Select(x => $"{AppSources.Instance.Describe(x.Reference.Node)}: {x.Reference.FromFolder} uses the "
                + $"{x.Entity!.Name} table, which {x.Owner} owns")
            .Distinct()
            .ToList();

        Assert.True(trespasses.Count == 0, string.Join(Environment.NewLine, trespasses));
    }

    [Fact]
    public void Check_SeesTheOwnersOwnTableUses()
    {
        // The rule above would pass vacuously if Set<X>() were never recognised.
        var owned = SymbolReferences.InApp.Count(r => TableOf(r.Symbol)?.Name == "PipelineRun" && r.FromFolder == "Pipelines");

        Assert.True(owned > 0);
    }

    /// <summary>The entity of a <c>DbContext.Set&lt;X&gt;()</c> call or a <c>DbSet&lt;X&gt;</c>.</summary>
    private static ITypeSymbol? TableOf(ISymbol symbol) => symbol switch
    {
        IMethodSymbol { Name: "Set", TypeArguments: [var entity] } method when IsDbContext(method.ContainingType) => entity,
        INamedTypeSymbol { Name: "DbSet", TypeArguments: [var entity] } => entity,
        IPropertySymbol { Type: INamedTypeSymbol { Name: "DbSet", TypeArguments: [var entity] } } => entity,
        _ => null,
    };

    private static bool IsDbContext(INamedTypeSymbol? type)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (type.ToDisplayString() == "Microsoft.EntityFrameworkCore.DbContext")
            {
                return true;
            }
        }
        return false;
    }
}
