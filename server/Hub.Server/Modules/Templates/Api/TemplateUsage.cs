using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Templates.Api;

/// <summary>Which rules send a template: rules name their template, so it may not vanish or be renamed from under them.</summary>
internal static class TemplateUsage
{
    public static async Task<List<string>> RulesUsingAsync(HubDbContext db, string templateName, CancellationToken cancellationToken)
    {
        // The action is a JSON column; a workspace has tens of rules, so reading them is cheaper than a provider-specific JSON query.
        var rules = await db.Rules.AsNoTracking().Select(r => new { r.Name, r.Action }).ToListAsync(cancellationToken);
        return [.. rules.Where(r => string.Equals(r.Action.Template, templateName, StringComparison.Ordinal)).Select(r => r.Name).Order(StringComparer.Ordinal)];
    }
}
