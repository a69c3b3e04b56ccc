using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Notifications;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Server.Tests.Users.UsersApiTests;

namespace Hub.Server.Tests.Users;

/// <summary><c>/api/v1/users/{user_id}/preferences</c>: what a user agreed to receive, and when.</summary>
[Collection(HubCollection.Name)]
public sealed class UserPreferencesTests(HubApp app)
{
    [Fact]
    public async Task A_user_who_never_chose_has_everything_on_and_no_quiet_hours()
    {
        var (client, userId) = await NewUserAsync(timezone: "America/New_York");

        var reply = await client.GetJsonAsync($"/api/v1/users/{userId}/preferences");

        Assert.Equal(userId, reply.Str("user_id"));
        Assert.Equal("America/New_York", reply.Str("timezone"));
        Assert.Equal(JsonValueKind.Null, reply.GetProperty("updated_at").ValueKind);
        var p = reply.GetProperty("preferences");
        foreach (var flag in new[] { "email_enabled", "sms_enabled", "push_enabled", "whatsapp_enabled" })
        {
            Assert.True(p.GetProperty(flag).GetBoolean(), flag);
        }

        Assert.Equal("""{"marketing":true,"security":true,"updates":true}""", p.GetProperty("categories").GetRawText());
        var quiet = p.GetProperty("quiet_hours");
        Assert.False(quiet.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, quiet.GetProperty("start").ValueKind);
        foreach (var channel in new[] { "email", "sms", "whatsapp", "push" })
        {
            var consent = p.GetProperty("channels").GetProperty(channel);
            Assert.True(consent.GetProperty("reachable").GetBoolean() && consent.GetProperty("subscribed").GetBoolean(), channel);
        }
    }

    [Fact]
    public async Task A_partial_update_changes_only_what_it_names_and_keeps_the_rest()
    {
        var (client, userId) = await NewUserAsync();
        var url = $"/api/v1/users/{userId}/preferences";
        await PutAsync(client, url, new
        {
            preferences = new
            {
                email_enabled = false,
                quiet_hours = new { enabled = true, start = "22:00", end = "07:00" },
                channels = new { sms = new { subscribed = false } },
            },
        });

        var reply = await PutAsync(client, url, new
        {
            preferences = new { categories = new { marketing = false, billing = false }, channels = new { sms = new { reachable = false } } },
        });

        var p = reply.GetProperty("preferences");
        Assert.False(p.GetProperty("email_enabled").GetBoolean());
        Assert.True(p.GetProperty("sms_enabled").GetBoolean());
        Assert.Equal("""{"enabled":true,"start":"22:00","end":"07:00"}""", p.GetProperty("quiet_hours").GetRawText());
        var categories = p.GetProperty("categories");
        Assert.False(categories.GetProperty("marketing").GetBoolean());
        Assert.False(categories.GetProperty("billing").GetBoolean());
        Assert.True(categories.GetProperty("security").GetBoolean());
        Assert.Equal("""{"reachable":false,"subscribed":false}""", p.GetProperty("channels").GetProperty("sms").GetRawText());
        Assert.NotEqual(JsonValueKind.Null, reply.GetProperty("updated_at").ValueKind);
        Assert.Equal(p.GetRawText(), (await client.GetJsonAsync(url)).GetProperty("preferences").GetRawText());
    }

    [Fact]
    public async Task A_get_reply_can_be_sent_back_as_is_and_changes_nothing()
    {
        var (client, userId) = await NewUserAsync();
        var url = $"/api/v1/users/{userId}/preferences";
        var before = await client.GetJsonAsync(url);

        var response = await client.PutAsJsonAsync(url, before);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before.GetRawText(), (await response.JsonAsync()).GetRawText());
        Assert.Empty(await PreferenceEventsAsync(userId));
    }

    [Theory]
    [InlineData("""{"preferences":{"quiet_hours":{"enabled":true,"start":"25:00","end":"07:00"}}}""", "preferences.quiet_hours.start")]
    [InlineData("""{"preferences":{"quiet_hours":{"enabled":true,"start":"10pm","end":"07:00"}}}""", "preferences.quiet_hours.start")]
    [InlineData("""{"preferences":{"quiet_hours":{"enabled":true,"start":"22:00"}}}""", "preferences.quiet_hours.end")]
    [InlineData("""{"preferences":{"quiet_hours":{"enabled":true,"start":"22:00","end":"22:00"}}}""", "preferences.quiet_hours.end")]
    [InlineData("""{"preferences":{"quiet_hours":{"enabled":"yes"}}}""", "preferences.quiet_hours.enabled")]
    [InlineData("""{"preferences":{"categories":{"Bad Key!":false}}}""", "preferences.categories")]
    [InlineData("""{"preferences":{"channels":{"fax":{"subscribed":false}}}}""", "preferences.channels.fax")]
    [InlineData("""{"preferences":{"channels":{"email":{"subscribed":false,"colour":"red"}}}}""", "preferences.channels.email.colour")]
    [InlineData("""{"preferences":{"sms_enabled":false,"volume":11}}""", "preferences.volume")]
    [InlineData("""{"timezone":"Atlantis/Central"}""", "timezone")]
    [InlineData("""{"user_id":"someone-else","preferences":{"sms_enabled":false}}""", "user_id")]
    public async Task Bad_preferences_are_refused_naming_the_field_and_change_nothing(string body, string field)
    {
        var (client, userId) = await NewUserAsync();
        var url = $"/api/v1/users/{userId}/preferences";

        await AssertProblemNamesAsync(await client.PutAsync(url, Json(body)), field);

        var p = (await client.GetJsonAsync(url)).GetProperty("preferences");
        Assert.True(p.GetProperty("sms_enabled").GetBoolean());
        Assert.False(p.GetProperty("quiet_hours").GetProperty("enabled").GetBoolean());
        Assert.Empty(await PreferenceEventsAsync(userId));
    }

    [Fact]
    public async Task More_than_fifty_categories_are_refused()
    {
        var (client, userId) = await NewUserAsync();
        var categories = Enumerable.Range(0, 48).ToDictionary(i => $"topic-{i}", _ => (bool?)false);

        await AssertProblemNamesAsync(
            await client.PutAsJsonAsync($"/api/v1/users/{userId}/preferences", new { preferences = new { categories } }), "preferences.categories");
    }

    [Fact]
    public async Task A_change_records_preferences_changed_with_before_and_after_and_a_no_op_records_nothing()
    {
        var (client, userId) = await NewUserAsync(timezone: "Europe/Paris");
        var url = $"/api/v1/users/{userId}/preferences";

        await PutAsync(client, url, new
        {
            preferences = new { email_enabled = false, categories = new { marketing = false }, quiet_hours = new { enabled = true, start = "22:00", end = "07:00" } },
            timezone = "Europe/Berlin",
        });
        await PutAsync(client, url, new { preferences = new { email_enabled = false, categories = new { marketing = false } } });

        var recorded = Assert.Single(await PreferenceEventsAsync(userId));
        Assert.Equal(Hub.Core.Rules.EventEvaluation.Pending, recorded.Evaluation);
        Assert.NotNull(recorded.ContactId);
        var changed = recorded.Properties["changed"].EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["categories.marketing", "email_enabled", "quiet_hours.enabled", "quiet_hours.end", "quiet_hours.start", "timezone"], changed);
        Assert.Equal(
            """{"categories":{"marketing":true},"email_enabled":true,"quiet_hours":{"enabled":false,"end":null,"start":null},"timezone":"Europe/Paris"}""",
            recorded.Properties["before"].GetRawText());
        Assert.Equal(
            """{"categories":{"marketing":false},"email_enabled":false,"quiet_hours":{"enabled":true,"end":"07:00","start":"22:00"},"timezone":"Europe/Berlin"}""",
            recorded.Properties["after"].GetRawText());
        Assert.Equal("Europe/Berlin", (await client.GetJsonAsync($"/api/v1/users/{userId}")).Str("timezone"));
    }

    [Fact]
    public async Task Stored_preferences_are_the_ones_the_sending_policy_applies()
    {
        var (client, userId) = await NewUserAsync(timezone: "Europe/Paris");
        var contactId = Guid.Parse((await client.GetJsonAsync($"/api/v1/users/{userId}")).Str("id"));
        await PutAsync(client, $"/api/v1/users/{userId}/preferences", new
        {
            preferences = new
            {
                categories = new { marketing = false },
                quiet_hours = new { enabled = true, start = "22:00", end = "07:00" },
                channels = new { sms = new { reachable = false } },
            },
        });

        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var stored = await db.NotificationPreferences.IgnoreQueryFilters().SingleAsync(p => p.ContactId == contactId);
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var lateEvening = new DateTimeOffset(2026, 6, 1, 21, 30, 0, TimeSpan.Zero); // 23:30 in Paris

        Assert.Equal("category_opt_out", PreferencePolicy.Check(stored, "email", "marketing", false, paris, lateEvening.AddHours(-10)).Code);
        Assert.Equal("unreachable", PreferencePolicy.Check(stored, "sms", "updates", false, paris, lateEvening.AddHours(-10)).Code);
        var deferred = PreferencePolicy.Check(stored, "email", "updates", false, paris, lateEvening);
        Assert.Equal(PreferenceVerdictKind.Deferred, deferred.Kind);
        Assert.Equal(new DateTimeOffset(2026, 6, 2, 5, 0, 0, TimeSpan.Zero), deferred.Until);
    }

    [Fact]
    public async Task Preferences_of_an_unknown_user_are_not_found()
    {
        var client = await app.SignedInAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/users/nobody-{Guid.NewGuid():N}/preferences")).StatusCode);
        var put = await client.PutAsJsonAsync($"/api/v1/users/nobody-{Guid.NewGuid():N}/preferences", new { preferences = new { sms_enabled = false } });
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
    }

    private async Task<(HttpClient Client, string UserId)> NewUserAsync(string? timezone = null)
    {
        var client = await app.SignedInAsync();
        var userId = $"p-{Guid.NewGuid():N}";
        await client.PostJsonAsync("/api/v1/users", new { user_id = userId, email = $"{userId}@example.com", timezone });
        return (client, userId);
    }

    private static async Task<JsonElement> PutAsync(HttpClient client, string url, object body)
    {
        var response = await client.PutAsJsonAsync(url, body);
        Assert.True(response.IsSuccessStatusCode, $"PUT {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    private async Task<List<Hub.Core.Rules.TrackedEvent>> PreferenceEventsAsync(string userId)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.Events.IgnoreQueryFilters().Where(e => e.UserId == userId && e.EventType == "preferences_changed").ToListAsync();
    }
}
