using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CodegenCicd.Tests.Architecture;

/// <summary>
/// The app's C# sources (src/CodegenCicd) compiled by Roslyn against the assemblies the tests run
/// with, so every name in them can be bound to the file that declares it: references through
/// global usings, aliases and fully-qualified names all end at the same symbol.
/// </summary>
internal sealed class AppSources
{
    private static readonly Lazy<AppSources> Shared = new(Load);

    private AppSources(string root, CSharpCompilation compilation, IReadOnlyList<SyntaxTree> files)
    {
        Root = root;
        Compilation = compilation;
        Files = files;
    }

    public static AppSources Instance => Shared.Value;

    /// <summary>The folder src/CodegenCicd.</summary>
    public string Root { get; }

    public CSharpCompilation Compilation { get; }

    /// <summary>The app's own files (not the SDK's generated global usings).</summary>
    public IReadOnlyList<SyntaxTree> Files { get; }

    /// <summary>The feature folder of a file: its first folder below src/CodegenCicd ("Program" for root files).</summary>
    public string FolderOf(string path)
    {
        var relative = Path.GetRelativePath(Root, path).Replace('\\', '/');
        var slash = relative.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? Path.GetFileNameWithoutExtension(relative) : relative[..slash];
    }

    /// <summary>The feature folder that declares a symbol, or null when it comes from a library.</summary>
    public string? FolderOf(ISymbol symbol)
    {
        var type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        var location = type?.OriginalDefinition.Locations.FirstOrDefault(l => l.IsInSource);
        return location?.SourceTree?.FilePath is { } path && path.StartsWith(Root, StringComparison.Ordinal)
            ? FolderOf(path)
            : null;
    }

    public string Describe(SyntaxNode node) =>
        $"{Path.GetRelativePath(Root, node.SyntaxTree.FilePath)}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";

    private static AppSources Load()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "CodegenCicd");
        var obj = Path.Combine(root, "obj") + Path.DirectorySeparatorChar;
        var bin = Path.Combine(root, "bin") + Path.DirectorySeparatorChar;
        // Migrations name entities by string only; leaving them out halves the binding work.
        var migrations = Path.Combine(root, "Data", "Migrations") + Path.DirectorySeparatorChar;
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !new[] { obj, bin, migrations }.Any(skip => f.StartsWith(skip, StringComparison.Ordinal)))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f))
            .ToList();
        var compilation = CSharpCompilation.Create(
            "CodegenCicd.ArchitectureView",
            [.. files, CSharpSyntaxTree.ParseText(File.ReadAllText(GlobalUsings(obj)), parse)],
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        return new AppSources(root, compilation, files);
    }

    /// <summary>The SDK's implicit usings, written by the build the tests depend on.</summary>
    private static string GlobalUsings(string obj) =>
        Directory.EnumerateFiles(obj, "CodegenCicd.GlobalUsings.g.cs", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault()
        ?? throw new InvalidOperationException($"No CodegenCicd.GlobalUsings.g.cs under {obj}: build src/CodegenCicd first.");

    /// <summary>Every assembly the test process can load, less the app itself (its sources stand in).</summary>
    private static List<MetadataReference> References()
    {
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        var local = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll");
        return platform.Concat(local)
            .Where(p => p.Length > 0 && !Path.GetFileName(p).StartsWith("CodegenCicd", StringComparison.Ordinal))
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Where(IsManagedAssembly)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CodegenCicd.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CodegenCicd.sln not found above " + AppContext.BaseDirectory);
    }
}
