using CodegenCicd.Projects;

namespace CodegenCicd.WebEval.Checks;

/// <summary>One page to check: configured (<see cref="LinkedFrom"/> null) or found as a link.</summary>
/// <param name="Depth">Link levels still to follow from this page.</param>
public sealed record PageTarget(string Path, Uri Url, string? LinkedFrom, int Depth,
    IReadOnlyList<PageExpectation> Expectations);
