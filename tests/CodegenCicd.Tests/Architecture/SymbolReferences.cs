using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodegenCicd.Tests.Architecture;

/// <summary>One name in a file, bound to what it means.</summary>
internal sealed record SymbolReference(SyntaxNode Node, ISymbol Symbol, string FromFolder, string? ToFolder);

internal static class SymbolReferences
{
    private static readonly Lazy<IReadOnlyList<SymbolReference>> All = new(() => Collect(AppSources.Instance));

    /// <summary>Every type or member the app's files name (locals, parameters and namespaces left out).</summary>
    public static IReadOnlyList<SymbolReference> InApp => All.Value;

    private static List<SymbolReference> Collect(AppSources sources)
    {
        var references = new List<SymbolReference>();
        foreach (var tree in sources.Files)
        {
            var model = sources.Compilation.GetSemanticModel(tree);
            var from = sources.FolderOf(tree.FilePath);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is not (SimpleNameSyntax or ImplicitObjectCreationExpressionSyntax) || Bind(model, node) is not { } symbol)
                {
                    continue;
                }
                references.Add(new SymbolReference(node, symbol, from, sources.FolderOf(symbol)));
            }
        }
        return references;
    }

    private static ISymbol? Bind(SemanticModel model, SyntaxNode node)
    {
        var info = model.GetSymbolInfo(node);
        var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
        symbol = symbol is IAliasSymbol alias ? alias.Target : symbol;
        return symbol switch
        {
            IMethodSymbol method => method.ReducedFrom ?? method,
            INamedTypeSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol => symbol,
            _ => null,
        };
    }
}
