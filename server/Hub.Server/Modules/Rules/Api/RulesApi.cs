using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Webhooks;
using Hub.Server.Modules.Webhooks.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Rules.Api;

/// <summary>
/// <c>/api/v1/rules</c>: what Hub does when an event arrives. Rules are checked at save (400 naming the exact path,
/// 422 for a template the workspace lacks, 409 for a name in use), so the engine only meets rules it can run.
/// Reading needs any member or API key; writing needs the marketing policy (admins and marketers).
/// </summary>
public static class RulesApi
{
    public static IEndpointRouteBuilder MapRulesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/rules").WithTags("Rules").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName("ListRules");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetRule");
        group.MapPost("/", CreateAsync).WithName("CreateRule").RequireAuthorization(HubPolicies.Marketing);
        group.MapPut("/{id:guid}", ReplaceAsync).WithName("ReplaceRule").RequireAuthorization(HubPolicies.Marketing);
        group.MapPatch("/{id:guid}", PatchAsync).WithName("PatchRule").RequireAuthorization(HubPolicies.Marketing);
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteRule").RequireAuthorization(HubPolicies.Marketing);
        group.MapPost("/reorder", ReorderAsync).WithName("ReorderRules").RequireAuthorization(HubPolicies.Marketing);
        group.MapPost("/import", RuleImport.ImportAsync).WithName("ImportRules").RequireAuthorization(HubPolicies.Marketing)
            .Accepts<string>(RuleImport.YamlTypes[0], RuleImport.YamlTypes[1..]);
        group.MapGet("/export", ExportAsync).WithName("ExportRules").Produces<string>(contentType: "application/yaml");
        return app;
    }

    internal static async Task<Ok<Page<RuleResponse>>> ListAsync(HubDbContext db, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "event_type")] string? eventType, CancellationToken cancellationToken)
    {
        var query = db.Rules.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(eventType))
        {
            query = query.Where(r => r.EventType == eventType);
        }

        var rules = await query.OrderBy(r => r.Order).ThenBy(r => r.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<RuleResponse>([.. rules.Select(RuleResponse.From)], null));
    }

    internal static async Task<Results<Ok<RuleResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var rule = await db.Rules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return rule is null ? Problems.NotFound("Rule") : TypedResults.Ok(RuleResponse.From(rule));
    }

    internal static async Task<Results<Created<RuleResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        RuleRequest request, HubDbContext db, IOptions<WebhookOptions> webhooks, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (rule, errors) = RuleDrafts.From(request);
        if (CheckOrder(request.Order) is { } badOrder)
        {
            errors["order"] = [badOrder];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await CheckActionTargetsAsync(db, webhooks.Value, [(rule, string.Empty)], cancellationToken) is { } missing)
        {
            return missing;
        }

        if (await db.Rules.AnyAsync(r => r.Name == rule.Name, cancellationToken))
        {
            return NameTaken(rule.Name);
        }

        rule.Order = request.Order ?? (await db.Rules.MaxAsync(r => (int?)r.Order, cancellationToken) ?? 0) + 1;
        rule.CreatedAt = rule.UpdatedAt = clock.GetUtcNow();
        db.Rules.Add(rule);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A parallel create of the same name: the unique index decided.
            return NameTaken(rule.Name);
        }

        return TypedResults.Created($"/api/v1/rules/{rule.Id}", RuleResponse.From(rule));
    }

    internal static async Task<Results<Ok<RuleResponse>, ValidationProblem, ProblemHttpResult>> ReplaceAsync(
        Guid id, RuleRequest request, HubDbContext db, IOptions<WebhookOptions> webhooks, TimeProvider clock, CancellationToken cancellationToken)
    {
        var rule = await db.Rules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return Problems.NotFound("Rule");
        }

        var (draft, errors) = RuleDrafts.From(request);
        if (CheckOrder(request.Order) is { } badOrder)
        {
            errors["order"] = [badOrder];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await CheckActionTargetsAsync(db, webhooks.Value, [(draft, string.Empty)], cancellationToken) is { } missing)
        {
            return missing;
        }

        if (draft.Name != rule.Name && await db.Rules.AnyAsync(r => r.Name == draft.Name && r.Id != id, cancellationToken))
        {
            return NameTaken(draft.Name);
        }

        Copy(draft, rule);
        rule.Order = request.Order ?? rule.Order;
        rule.UpdatedAt = clock.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return NameTaken(draft.Name);
        }

        return TypedResults.Ok(RuleResponse.From(rule));
    }

    internal static async Task<Results<Ok<RuleResponse>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        Guid id, RulePatchRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Name is not null && !RuleValidator.IsValidName(request.Name))
        {
            errors["name"] = ["name must be 1 to 200 letters, digits, '_', '.' or '-'."];
        }

        if (request.Description is { Length: > 1000 })
        {
            errors["description"] = ["description must be at most 1000 characters."];
        }

        if (CheckOrder(request.Order) is { } badOrder)
        {
            errors["order"] = [badOrder];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var rule = await db.Rules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return Problems.NotFound("Rule");
        }

        if (request.Name is not null && request.Name != rule.Name && await db.Rules.AnyAsync(r => r.Name == request.Name && r.Id != id, cancellationToken))
        {
            return NameTaken(request.Name);
        }

        rule.Name = request.Name ?? rule.Name;
        rule.Description = request.Description ?? rule.Description;
        rule.IsActive = request.Enabled ?? rule.IsActive;
        rule.Order = request.Order ?? rule.Order;
        rule.Continue = request.Continue ?? rule.Continue;
        rule.UpdatedAt = clock.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return NameTaken(rule.Name);
        }

        return TypedResults.Ok(RuleResponse.From(rule));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var deleted = await db.Rules.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? Problems.NotFound("Rule") : TypedResults.NoContent();
    }

    /// <summary>
    /// Puts the listed rules in the given order. They take the places the listed rules held among all rules, so
    /// reordering one event type's rules leaves the others where they are; every rule is then numbered 1, 2, 3…
    /// </summary>
    internal static async Task<Results<Ok<Page<RuleResponse>>, ValidationProblem, ProblemHttpResult>> ReorderAsync(
        List<Guid> ids, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (ids is not { Count: > 0 })
        {
            return Problems.Invalid("$", "Give the rule ids in their new order.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var seen = new HashSet<Guid>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (!seen.Add(ids[i]))
            {
                errors[$"[{i}]"] = [$"Rule {ids[i]} is listed twice."];
            }
        }

        var rules = await db.Rules.OrderBy(r => r.Order).ThenBy(r => r.Name).ToListAsync(cancellationToken);
        var byId = rules.ToDictionary(r => r.Id);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!byId.ContainsKey(ids[i]))
            {
                errors[$"[{i}]"] = [$"No rule {ids[i]} in this workspace."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var slots = rules.Select((r, index) => (r, index)).Where(x => seen.Contains(x.r.Id)).Select(x => x.index).ToList();
        for (var k = 0; k < slots.Count; k++)
        {
            rules[slots[k]] = byId[ids[k]];
        }

        var now = clock.GetUtcNow();
        for (var position = 0; position < rules.Count; position++)
        {
            if (rules[position].Order != position + 1)
            {
                rules[position].Order = position + 1;
                rules[position].UpdatedAt = now;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new Page<RuleResponse>([.. rules.Select(RuleResponse.From)], null));
    }

    internal static async Task<ContentHttpResult> ExportAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var rules = await db.Rules.AsNoTracking().OrderBy(r => r.Order).ThenBy(r => r.Name).ToListAsync(cancellationToken);
        return TypedResults.Text(RulesYaml.Write(rules), "application/yaml", System.Text.Encoding.UTF8);
    }

    /// <summary>
    /// 422 naming each rule's <c>action.url</c> Hub will not call (a private, loopback or reserved address, credentials in
    /// it: the guard outbound webhooks use, refused at save as there, not only when the rule fires) and each
    /// <c>action.template</c> the workspace has no template for; null when every target is fine.
    /// </summary>
    internal static async Task<ProblemHttpResult?> CheckActionTargetsAsync(
        HubDbContext db, WebhookOptions webhooks, IReadOnlyList<(Rule Rule, string Prefix)> rules, CancellationToken cancellationToken)
    {
        var unsafeUrls = rules
            .Where(r => r.Rule.Action.Url is not null)
            .Select(r => (r.Prefix, Problem: WebhookRules.CheckUrl(r.Rule.Action.Url, webhooks.AllowPrivateTargets)))
            .Where(r => r.Problem is not null)
            .ToDictionary(r => r.Prefix + "action.url", r => r.Problem!["url"], StringComparer.Ordinal);
        if (unsafeUrls.Count > 0)
        {
            return Problems.Unprocessable(unsafeUrls, "The rule's webhook points at an address Hub does not call.");
        }

        var wanted = rules.Select(r => r.Rule.Action.Template).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return null;
        }

        var existing = (await db.Templates.Where(t => wanted.Contains(t.Name)).Select(t => t.Name).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var errors = rules
            .Where(r => r.Rule.Action.Template is { } name && !existing.Contains(name))
            .ToDictionary(r => r.Prefix + "action.template", r => new[] { $"No template named '{r.Rule.Action.Template}' in this workspace." }, StringComparer.Ordinal);
        return errors.Count == 0 ? null : Problems.Unprocessable(errors, "The rule sends a template that does not exist; create it first.");
    }

    /// <summary>Copies what a written rule defines onto a stored one (not its id, order or creation time).</summary>
    internal static void Copy(Rule from, Rule to)
    {
        to.Name = from.Name;
        to.Description = from.Description;
        to.EventType = from.EventType;
        to.Conditions = from.Conditions;
        to.Action = from.Action;
        to.Suppression = from.Suppression;
        to.Continue = from.Continue;
        to.IsActive = from.IsActive;
    }

    internal static ProblemHttpResult NameTaken(string name) => Problems.Conflict($"A rule named '{name}' already exists.");

    private static string? CheckOrder(int? order) => order is < 0 or > 1_000_000 ? "order must be between 0 and 1000000." : null;
}
