using System.Text.Json;
using Fluid.Ast;

namespace Hub.Server.Modules.Templates;

/// <summary>Walks a parsed template for the names it reads, the names it defines itself and the filters it uses.</summary>
internal sealed class TemplateNames : AstVisitor
{
    /// <summary>Every name read, as a dotted path of its leading identifiers (<c>contact.first_name</c>).</summary>
    public List<string> Paths { get; } = [];

    /// <summary>Names the template assigns, captures or loops with.</summary>
    public HashSet<string> Locals { get; } = new(StringComparer.Ordinal);

    public List<string> Filters { get; } = [];

    /// <summary>Tags that need other template files, which Hub does not have: they would fail at every send.</summary>
    public List<string> Unsupported { get; } = [];

    protected override Statement VisitIncludeStatement(IncludeStatement includeStatement)
    {
        Unsupported.Add("include");
        return base.VisitIncludeStatement(includeStatement);
    }

    protected override Statement VisitRenderStatement(RenderStatement renderStatement)
    {
        Unsupported.Add("render");
        return base.VisitRenderStatement(renderStatement);
    }

    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        var names = memberExpression.Segments.TakeWhile(s => s is IdentifierSegment).Cast<IdentifierSegment>().Select(s => s.Identifier).ToList();
        if (names.Count > 0)
        {
            Paths.Add(string.Join('.', names));
        }

        return base.VisitMemberExpression(memberExpression);
    }

    protected override Statement VisitAssignStatement(AssignStatement assignStatement)
    {
        Locals.Add(assignStatement.Identifier);
        return base.VisitAssignStatement(assignStatement);
    }

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        Locals.Add(captureStatement.Identifier);
        return base.VisitCaptureStatement(captureStatement);
    }

    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        Locals.Add(forStatement.Identifier);
        return base.VisitForStatement(forStatement);
    }

    protected override Statement VisitIncrementStatement(IncrementStatement incrementStatement)
    {
        Locals.Add(incrementStatement.Identifier);
        return base.VisitIncrementStatement(incrementStatement);
    }

    protected override Statement VisitDecrementStatement(DecrementStatement decrementStatement)
    {
        Locals.Add(decrementStatement.Identifier);
        return base.VisitDecrementStatement(decrementStatement);
    }

    protected override Expression VisitFilterExpression(FilterExpression filterExpression)
    {
        Filters.Add(filterExpression.Name);
        return base.VisitFilterExpression(filterExpression);
    }
}

/// <summary>JSON values as Liquid sees them: numbers stay numbers, objects stay objects.</summary>
internal static class TemplateValues
{
    public static object? From(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetDecimal(out var d) ? d : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => From(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => value.EnumerateArray().Select(From).ToList(),
        _ => null,
    };
}
