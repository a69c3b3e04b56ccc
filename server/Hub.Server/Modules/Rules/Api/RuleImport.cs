using System.Text;
using System.Text.Json;
using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Webhooks;
using Hub.Server.Modules.Webhooks.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Hub.Server.Modules.Rules.Api;

/// <summary>
/// <c>POST /api/v1/rules/import</c>: a rules.yaml, all or nothing. Every rule is checked before anything is written
/// (errors keyed <c>rules[i].…</c>). <c>mode=merge</c> (default) upserts by name and puts the file's rules after the
/// others, in file order; <c>mode=replace</c> makes the workspace's rules exactly the file's, in one transaction. Rules
/// are updated in place by name, so a rule kept across imports keeps its id and its suppression history.
/// </summary>
internal static class RuleImport
{
    /// <summary>The content types a rules file may be sent as.</summary>
    public static readonly string[] YamlTypes = ["application/yaml", "text/yaml", "application/x-yaml"];

    /// <summary>The largest rules file accepted (1 MiB).</summary>
    public const int MaxBytes = 1 << 20;

    public static async Task<Results<Ok<RuleImportResult>, ValidationProblem, ProblemHttpResult>> ImportAsync(
        HttpContext http, HubDbContext db, UnitOfWork work, TimeProvider clock, IOptions<JsonOptions> jsonOptions, IOptions<WebhookOptions> webhooks, string? mode, CancellationToken cancellationToken)
    {
        var replace = mode switch
        {
            null or "" or "merge" => false,
            "replace" => true,
            _ => (bool?)null,
        };
        if (replace is null)
        {
            return Problems.Invalid("mode", "mode must be merge or replace.");
        }

        var contentType = http.Request.ContentType?.Split(';')[0].Trim();
        if (contentType is null || !YamlTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.Problem($"Send the rules as YAML ({string.Join(", ", YamlTypes)}).",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        var text = await ReadLimitedAsync(http, cancellationToken);
        if (text is null)
        {
            return TypedResults.Problem($"A rules file may be at most {MaxBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large.");
        }

        var (nodes, yamlProblem) = RulesYaml.Read(text);
        if (yamlProblem is not null)
        {
            var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["$"] = [$"YAML syntax error at line {yamlProblem.Line}, column {yamlProblem.Column}: {yamlProblem.Message}"],
            })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The rules file is not valid YAML.",
                Detail = $"Line {yamlProblem.Line}, column {yamlProblem.Column}: {yamlProblem.Message}",
            };
            problem.Extensions["line"] = yamlProblem.Line;
            problem.Extensions["column"] = yamlProblem.Column;
            return TypedResults.Problem(problem);
        }

        var (drafts, errors) = Parse(nodes!, jsonOptions.Value.SerializerOptions);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await RulesApi.CheckActionTargetsAsync(db, webhooks.Value, [.. drafts.Select((d, i) => (d, $"rules[{i}]."))], cancellationToken) is { } missing)
        {
            return missing;
        }

        var now = clock.GetUtcNow();
        int created = 0, updated = 0, deleted = 0;
        await using (var change = await work.BeginAsync(cancellationToken))
        {
            var existing = await db.Rules.ToListAsync(cancellationToken);
            var byName = existing.ToDictionary(r => r.Name, StringComparer.Ordinal);
            var inFile = drafts.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
            var others = existing.Where(r => !inFile.Contains(r.Name)).ToList();
            var first = 1;
            if (replace.Value)
            {
                db.Rules.RemoveRange(others);
                deleted = others.Count;
            }
            else
            {
                first = (others.Count == 0 ? 0 : others.Max(r => r.Order)) + 1;
            }

            for (var i = 0; i < drafts.Count; i++)
            {
                var draft = drafts[i];
                if (byName.TryGetValue(draft.Name, out var rule))
                {
                    RulesApi.Copy(draft, rule);
                    updated++;
                }
                else
                {
                    rule = draft;
                    rule.CreatedAt = now;
                    db.Rules.Add(rule);
                    created++;
                }

                rule.Order = first + i;
                rule.UpdatedAt = now;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                return Problems.Conflict("The rules changed while the file was being imported (a rule of the same name was created); try again.");
            }

            await change.CommitAsync(cancellationToken);
        }

        var rules = await db.Rules.AsNoTracking().OrderBy(r => r.Order).ThenBy(r => r.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(new RuleImportResult(replace.Value ? "replace" : "merge", created, updated, deleted, [.. rules.Select(RuleResponse.From)]));
    }

    /// <summary>Each YAML item as a rule, and every error in the file keyed <c>rules[i].path</c>.</summary>
    private static (List<Rule> Rules, Dictionary<string, string[]> Errors) Parse(List<System.Text.Json.Nodes.JsonNode?> nodes, JsonSerializerOptions json)
    {
        var rules = new List<Rule>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            var prefix = $"rules[{i}].";
            if (nodes[i] is not System.Text.Json.Nodes.JsonObject item)
            {
                errors[$"rules[{i}]"] = ["Each rule is a mapping (name: ..., trigger: ..., action: ...)."];
                continue;
            }

            RuleRequest request;
            try
            {
                request = item.Deserialize<RuleRequest>(json)!;
            }
            catch (JsonException ex)
            {
                errors[prefix + PathOf(ex.Path)] = [Describe(ex)];
                continue;
            }

            var (rule, ruleErrors) = RuleDrafts.From(request, prefix);
            foreach (var (path, messages) in ruleErrors)
            {
                errors[path] = messages;
            }

            if (rule.Name.Length > 0 && !names.TryAdd(rule.Name, i))
            {
                errors[prefix + "name"] = [$"'{rule.Name}' is also the name of rules[{names[rule.Name]}]; names are unique."];
            }

            rules.Add(rule);
        }

        return (rules, errors);
    }

    private static string PathOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? string.Empty : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string Describe(JsonException ex)
    {
        var path = ex.Path ?? string.Empty;
        if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "This field is not part of a rule.";
        }

        return path switch
        {
            _ when path.EndsWith(".operator", StringComparison.Ordinal) => "operator must be one of equals, not_equals, in, gt, lt, exists or contains.",
            _ when path.EndsWith("action.type", StringComparison.Ordinal) => "action.type must be send, push, webhook or assign.",
            _ when path.EndsWith("suppression.mode", StringComparison.Ordinal) => "mode must be none, once_ever, once_per_calendar_day or max_per_window.",
            _ => "This value has the wrong type or is not one of the allowed values.",
        };
    }

    private static async Task<string?> ReadLimitedAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > MaxBytes)
        {
            return null;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
