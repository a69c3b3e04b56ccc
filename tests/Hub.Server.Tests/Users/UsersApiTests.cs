using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Users;

/// <summary><c>/api/v1/users</c>: the customer's users, by their own user id, as contacts.</summary>
[Collection(HubCollection.Name)]
public sealed class UsersApiTests(HubApp app)
{
    [Fact]
    public async Task A_created_user_is_read_back_by_user_id_and_is_the_same_contact()
    {
        var client = await app.SignedInAsync();
        var userId = $"u-{Guid.NewGuid():N}";

        var response = await client.PostAsJsonAsync("/api/v1/users", new
        {
            user_id = userId, first_name = "Ada", last_name = "Lovelace", email = "Ada@Example.com", phone = "+14155550123",
            main_device_id = "device-1", dob = "1990-12-10", timezone = "Europe/Paris", language = "fr-CA",
            attributes = new { plan = "pro", seats = 3 },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/users/{userId}", response.Headers.Location?.OriginalString);
        var created = await response.JsonAsync();
        var user = await client.GetJsonAsync($"/api/v1/users/{userId}");
        Assert.Equal(created.Str("id"), user.Str("id"));
        Assert.Equal(userId, user.Str("user_id"));
        Assert.Equal("ada@example.com", user.Str("email"));
        Assert.Equal("+14155550123", user.Str("phone"));
        Assert.Equal("device-1", user.Str("main_device_id"));
        Assert.Equal("1990-12-10", user.Str("dob"));
        Assert.True(user.GetProperty("is_active").GetBoolean());
        Assert.Equal("Europe/Paris", user.Str("timezone"));
        Assert.Equal("fr-CA", user.Str("language"));
        Assert.Equal("pro", user.GetProperty("attributes").Str("plan"));
        Assert.Equal(3, user.GetProperty("attributes").GetProperty("seats").GetInt32());

        var contact = await client.GetJsonAsync($"/api/v1/contacts/{created.Str("id")}");
        Assert.Equal(userId, contact.Str("external_id"));
        Assert.Equal("Ada", contact.Str("first_name"));
    }

    [Fact]
    public async Task Creating_a_user_id_that_exists_is_a_conflict_and_changes_nothing()
    {
        var client = await app.SignedInAsync();
        var userId = $"u-{Guid.NewGuid():N}";
        await client.PostJsonAsync("/api/v1/users", new { user_id = userId, first_name = "First" });

        var again = await client.PostAsJsonAsync("/api/v1/users", new { user_id = userId, first_name = "Second" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal("First", (await client.GetJsonAsync($"/api/v1/users/{userId}")).Str("first_name"));
    }

    [Fact]
    public async Task Put_creates_a_missing_user_then_replaces_only_the_fields_given()
    {
        var client = await app.SignedInAsync();
        var userId = $"u-{Guid.NewGuid():N}";

        var created = await client.PutAsJsonAsync($"/api/v1/users/{userId}", new
        {
            first_name = "Grace", email = "grace@example.com", phone = "+14155550100", attributes = new { plan = "free", team = "navy" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var updated = await client.PutAsync($"/api/v1/users/{userId}", Json(
            """{"last_name":"Hopper","phone":null,"is_active":false,"attributes":{"plan":"pro","team":null,"seats":5}}"""));

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var user = await client.GetJsonAsync($"/api/v1/users/{userId}");
        Assert.Equal("Grace", user.Str("first_name"));
        Assert.Equal("Hopper", user.Str("last_name"));
        Assert.Equal("grace@example.com", user.Str("email"));
        Assert.Equal(JsonValueKind.Null, user.GetProperty("phone").ValueKind);
        Assert.False(user.GetProperty("is_active").GetBoolean());
        var attributes = user.GetProperty("attributes");
        Assert.Equal("pro", attributes.Str("plan"));
        Assert.Equal(5, attributes.GetProperty("seats").GetInt32());
        Assert.False(attributes.TryGetProperty("team", out _));
        Assert.Equal(created.Headers.Location?.OriginalString, $"/api/v1/users/{userId}");
    }

    [Theory]
    [InlineData("""{"user_id":"v1","email":"not-an-email"}""", "email")]
    [InlineData("""{"user_id":"v1","phone":"0612345678"}""", "phone")]
    [InlineData("""{"user_id":"v1","timezone":"Mars/Olympus"}""", "timezone")]
    [InlineData("""{"user_id":"v1","language":"english!"}""", "language")]
    [InlineData("""{"user_id":"v1","nickname":"x"}""", "nickname")]
    [InlineData("""{"user_id":"v1","is_active":"yes"}""", "is_active")]
    [InlineData("""{"user_id":"v1","dob":"2999-01-01"}""", "dob")]
    [InlineData("""{"first_name":"No id"}""", "user_id")]
    [InlineData("""{"user_id":"   "}""", "user_id")]
    public async Task A_bad_user_is_refused_naming_the_field(string body, string field)
    {
        var client = await app.NewWorkspaceAsync($"Users {Guid.NewGuid():N}");

        var response = await client.PostAsync("/api/v1/users", Json(body));

        await AssertProblemNamesAsync(response, field);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/users/v1")).StatusCode);
    }

    [Fact]
    public async Task Put_refuses_bad_fields_and_a_body_user_id_other_than_the_url()
    {
        var client = await app.SignedInAsync();
        var userId = $"u-{Guid.NewGuid():N}";

        await AssertProblemNamesAsync(await client.PutAsync($"/api/v1/users/{userId}", Json("""{"user_id":"someone-else"}""")), "user_id");
        await AssertProblemNamesAsync(await client.PutAsync($"/api/v1/users/{userId}", Json("""{"timezone":"Nowhere/Land"}""")), "timezone");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/users/{userId}")).StatusCode);
    }

    [Fact]
    public async Task Creating_and_changing_a_user_records_pending_analytics_events_for_rules()
    {
        var client = await app.SignedInAsync();
        var userId = $"u-{Guid.NewGuid():N}";
        var id = Guid.Parse((await client.PostJsonAsync("/api/v1/users", new { user_id = userId, first_name = "Al" })).Str("id"));

        await client.PutAsJsonAsync($"/api/v1/users/{userId}", new { first_name = "Alan", email = "alan@example.com" });
        await client.PutAsJsonAsync($"/api/v1/users/{userId}", new { first_name = "Alan" }); // no change: no event

        var events = await EventsAsync(userId);
        Assert.Equal(["user_registered", "profile_updated"], events.Select(e => e.EventType));
        Assert.All(events, e =>
        {
            Assert.Equal(id, e.ContactId);
            Assert.Equal(EventEvaluation.Pending, e.Evaluation);
            Assert.Equal(e.OccurredAt, e.ReceivedAt);
        });
        var changed = events[1].Properties["changed"].EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Equal(["first_name", "email"], changed);
    }

    [Fact]
    public async Task Another_workspaces_user_is_not_found_and_its_user_id_is_free_there()
    {
        var a = await app.SignedInAsync();
        var b = await app.NewWorkspaceAsync($"Other {Guid.NewGuid():N}");
        var userId = $"u-{Guid.NewGuid():N}";
        await a.PostJsonAsync("/api/v1/users", new { user_id = userId, first_name = "Private", email = "private@example.com" });

        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/v1/users/{userId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/v1/users/{userId}/preferences")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await b.PutAsJsonAsync($"/api/v1/users/{userId}/preferences", new { preferences = new { email_enabled = false } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"/api/v1/users/{userId}")).StatusCode);

        // B's PUT creates B's own user; A's is untouched.
        Assert.Equal(HttpStatusCode.Created, (await b.PutAsJsonAsync($"/api/v1/users/{userId}", new { first_name = "Stolen" })).StatusCode);
        var mine = await a.GetJsonAsync($"/api/v1/users/{userId}");
        Assert.Equal("Private", mine.Str("first_name"));
        Assert.True((await a.GetJsonAsync($"/api/v1/users/{userId}/preferences")).GetProperty("preferences").GetProperty("email_enabled").GetBoolean());
    }

    [Fact]
    public async Task Api_keys_and_members_use_users_but_only_admins_delete_them()
    {
        var admin = await app.NewWorkspaceAsync($"Keys {Guid.NewGuid():N}");
        var key = (await admin.PostJsonAsync("/api/v1/api-keys", new { name = "crm" })).Str("key");
        var backend = app.WithApiKey(key);
        var agent = await app.NewMemberAsync(admin, "agent");
        var userId = $"u-{Guid.NewGuid():N}";

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync($"/api/v1/users/{userId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await backend.PostAsJsonAsync("/api/v1/users", new { user_id = userId })).StatusCode);
        Assert.Equal(userId, (await agent.GetJsonAsync($"/api/v1/users/{userId}")).Str("user_id"));
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.DeleteAsync($"/api/v1/users/{userId}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/users/{userId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/users/{userId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/users/{userId}")).StatusCode);
        Assert.Equal("account_deleted", (await EventsAsync(userId))[^1].EventType);
    }

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    internal static async Task AssertProblemNamesAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {text}");
    }

    private async Task<List<TrackedEvent>> EventsAsync(string userId)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var events = await db.Events.IgnoreQueryFilters().Where(e => e.UserId == userId).ToListAsync();
        return [.. events.OrderBy(e => e.ReceivedAt).ThenBy(e => e.Id)];
    }
}
