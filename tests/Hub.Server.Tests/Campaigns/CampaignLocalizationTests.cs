using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Server.Tests.Infrastructure;
using static Hub.Server.Tests.Campaigns.CampaignTrackingTests;

namespace Hub.Server.Tests.Campaigns;

/// <summary>
/// Templates with per-language variants: checked at save like the template itself, previewed in a language, and
/// sent to each campaign recipient in theirs (exact tag, then base language, then the template's default).
/// </summary>
public sealed class CampaignLocalizationTests(CampaignTestApp app) : IClassFixture<CampaignTestApp>
{
    private static object Localized(string name, bool withPortuguese) => new
    {
        name,
        subject = "Spring sale, {{ contact.first_name }}",
        html_content = "<p>Hello {{ contact.first_name }}, everything is 20% off.</p>",
        text_content = "Hello {{ contact.first_name }}, everything is 20% off.",
        localizations = withPortuguese
            ? (object)new Dictionary<string, object>
            {
                ["fr"] = new { subject = "Soldes de printemps, {{ contact.first_name }}", html_content = "<p>Bonjour {{ contact.first_name }}, tout est à -20 %.</p>" },
                ["pt"] = new { subject = "Promoção, {{ contact.first_name }}", html_content = "<p>Olá {{ contact.first_name }} (pt)</p>", text_content = "Olá {{ contact.first_name }} (pt, texto)" },
                ["pt-BR"] = new { subject = "Liquidação, {{ contact.first_name }}", html_content = "<p>Oi {{ contact.first_name }} (pt-BR)</p>" },
            }
            : new Dictionary<string, object>
            {
                ["fr"] = new { subject = "Soldes de printemps, {{ contact.first_name }}", html_content = "<p>Bonjour {{ contact.first_name }}, tout est à -20 %.</p>" },
                ["pt-BR"] = new { subject = "Liquidação, {{ contact.first_name }}", html_content = "<p>Oi {{ contact.first_name }} (pt-BR)</p>" },
            },
    };

    private static async Task<Guid> TemplateAsync(HttpClient admin, object body)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/templates", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Sends a campaign of <paramref name="templateId"/> to four contacts (fr, pt-BR, pt-PT, no language); the envelopes by first name.</summary>
    private async Task<Dictionary<string, Hub.Core.Delivery.OutboundEnvelope>> SendToFourAsync(HttpClient admin, Guid templateId)
    {
        var tag = $"l{Guid.NewGuid():N}"[..10];
        foreach (var (first, language) in new[] { ("Amelie", "fr"), ("Bruna", "pt-BR"), ("Carla", "pt-PT"), ("Dan", (string?)null) })
        {
            await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-{first}@example.com", first_name = first, language, attributes = new { tag } });
        }

        var id = await CampaignTestApp.CampaignAsync(admin, new { name = $"Localized {tag}", type = "email", template_id = templateId, audience = Audience(tag) });
        await StartAsync(admin, id);
        await app.RunAsync(id);
        await app.DeliverAllAsync();
        var ledger = await app.LedgerAsync(id);
        Assert.Equal(4, ledger.Count);
        Assert.All(ledger, r => Assert.Equal(RecipientState.Sent, r.State));
        var envelopes = ledger.Select(r => app.Sender.Envelopes.Single(e => e.MessageId == r.MessageId)).ToList();
        return envelopes.ToDictionary(e => e.To.Split('@')[0].Split('-')[1], StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Each_recipient_gets_the_variant_of_their_exact_language_then_their_base_language_then_the_default()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var templateId = await TemplateAsync(admin, Localized($"Localized {Guid.NewGuid():N}", withPortuguese: true));
        var got = await SendToFourAsync(admin, templateId);

        Assert.Equal("Soldes de printemps, Amelie", got["Amelie"].Subject);
        Assert.Contains("Bonjour Amelie, tout est à -20 %.", WebUtility.HtmlDecode(got["Amelie"].Html), StringComparison.Ordinal);
        Assert.Contains("Bonjour Amelie", got["Amelie"].Text, StringComparison.Ordinal); // no text variant: its own HTML, stripped
        Assert.DoesNotContain("Hello", got["Amelie"].Text, StringComparison.Ordinal);

        Assert.Equal("Liquidação, Bruna", got["Bruna"].Subject); // exact pt-BR beats pt
        Assert.Contains("Oi Bruna (pt-BR)", got["Bruna"].Html, StringComparison.Ordinal);

        Assert.Equal("Promoção, Carla", got["Carla"].Subject); // pt-PT: no exact variant, the base language pt
        Assert.Contains("Olá Carla (pt)", got["Carla"].Html, StringComparison.Ordinal);
        Assert.StartsWith("Olá Carla (pt, texto)", got["Carla"].Text, StringComparison.Ordinal);

        Assert.Equal("Spring sale, Dan", got["Dan"].Subject); // no language: the template's default
        Assert.Contains("Hello Dan, everything is 20% off.", got["Dan"].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_language_with_neither_its_tag_nor_its_base_language_gets_the_default()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var templateId = await TemplateAsync(admin, Localized($"Localized {Guid.NewGuid():N}", withPortuguese: false));
        var got = await SendToFourAsync(admin, templateId);

        Assert.Equal("Spring sale, Carla", got["Carla"].Subject); // pt-PT: no pt-PT, no pt; pt-BR is not its language
        Assert.Contains("Hello Carla", got["Carla"].Html, StringComparison.Ordinal);
        Assert.Equal("Liquidação, Bruna", got["Bruna"].Subject);
        Assert.Equal("Soldes de printemps, Amelie", got["Amelie"].Subject);
        Assert.Equal("Spring sale, Dan", got["Dan"].Subject);
    }

    [Theory]
    [InlineData("fr", "Hi {{ contact.first_name", "<p>x</p>", "localizations.fr.subject", "Liquid syntax error")]
    [InlineData("de", "Hallo", "<p>{{ discount_code }}</p>", "localizations.de.html_content", "discount_code")]
    [InlineData("pt-BR", "Oi {{ contact.favourite_colour }}", "<p>x</p>", "localizations.pt-BR.subject", "contact.favourite_colour")]
    [InlineData("fr", "", "<p>x</p>", "localizations.fr.subject", "subject")]
    [InlineData("fr", "Salut", "", "localizations.fr.html_content", "html_content")]
    [InlineData("not a tag!", "Salut", "<p>x</p>", "localizations.not a tag!", "BCP-47")]
    public async Task A_localisation_that_would_not_render_is_422_naming_its_field(string tag, string subject, string html, string field, string mentioned)
    {
        var (admin, _) = await app.WorkspaceAsync();
        var response = await admin.PostAsJsonAsync("/api/v1/templates", new
        {
            name = $"Bad {Guid.NewGuid():N}",
            subject = "Hello",
            html_content = "<p>Hello</p>",
            localizations = new Dictionary<string, object> { [tag] = new { subject, html_content = html } },
        });
        var problem = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, problem.ToString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.Contains(mentioned, messages[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Localisations_round_trip_through_the_api_and_preview_renders_the_language_asked_for()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var id = await TemplateAsync(admin, Localized($"Localized {Guid.NewGuid():N}", withPortuguese: true));
        var stored = await admin.GetJsonAsync($"/api/v1/templates/{id}");
        var localizations = stored.GetProperty("localizations");
        Assert.Equal(["fr", "pt", "pt-BR"], localizations.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Olá {{ contact.first_name }} (pt, texto)", localizations.GetProperty("pt").Str("text_content"));

        var french = await admin.PostJsonAsync($"/api/v1/templates/{id}/preview", new { language = "fr" });
        Assert.Equal(("Soldes de printemps, Ada", "fr"), (french.Str("subject"), french.Str("language")));
        var portugal = await admin.PostJsonAsync($"/api/v1/templates/{id}/preview", new { language = "pt-PT" });
        Assert.Equal(("Promoção, Ada", "pt"), (portugal.Str("subject"), portugal.Str("language")));
        var sample = await admin.PostJsonAsync($"/api/v1/templates/{id}/preview", new { });
        Assert.Equal("Spring sale, Ada", sample.Str("subject")); // the sample contact speaks en: no variant
        Assert.Equal(JsonValueKind.Null, sample.GetProperty("language").ValueKind);

        // Replacing the template without localizations removes them.
        var replaced = await admin.PutAsJsonAsync($"/api/v1/templates/{id}", new { name = stored.Str("name"), subject = "S", html_content = "<p>H</p>" });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Empty((await replaced.JsonAsync()).GetProperty("localizations").EnumerateObject());
    }
}
