using System.Net;
using System.Net.Http.Json;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Auth;

[Collection(HubCollection.Name)]
public sealed class ApiKeyTests(HubApp app)
{
    [Fact]
    public async Task A_new_key_is_shown_once_stored_hashed_and_authenticates_calls()
    {
        var admin = await app.SignedInAsync();
        var created = await admin.PostJsonAsync("/api/v1/api-keys", new { name = "CRM sync" });
        var key = created.Str("key");
        Assert.StartsWith("hub_", key, StringComparison.Ordinal);

        var listed = await admin.GetJsonAsync("/api/v1/api-keys");
        var row = listed.EnumerateArray().Single(k => k.Str("id") == created.Str("id"));
        Assert.False(row.TryGetProperty("key", out _));
        Assert.DoesNotContain(key, listed.GetRawText(), StringComparison.Ordinal);

        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var stored = await db.ApiKeys.IgnoreQueryFilters().SingleAsync(k => k.Id == Guid.Parse(created.Str("id")));
            Assert.NotEqual(key, stored.SecretHash);
            Assert.DoesNotContain(stored.SecretHash, key, StringComparison.Ordinal);
        }

        var server = app.WithApiKey(key);
        var contact = await server.PostJsonAsync("/api/v1/contacts", new { external_id = $"crm-{Guid.NewGuid():N}" });
        var me = await server.GetJsonAsync("/api/v1/auth/me");
        Assert.Equal("api_key", me.Str("auth_method"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/contacts/{contact.Str("id")}")).StatusCode);
        Assert.DoesNotContain(key, string.Join('\n', app.Logs), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        var admin = await app.SignedInAsync();
        var created = await admin.PostJsonAsync("/api/v1/api-keys", new { name = "temporary" });
        var server = app.WithApiKey(created.Str("key"));
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/api/v1/contacts")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/api-keys/{created.Str("id")}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync("/api/v1/contacts")).StatusCode);
    }

    [Theory]
    [InlineData("hub_")]
    [InlineData("hub_deadbeef_wrongsecret")]
    [InlineData("not-a-key")]
    public async Task Unknown_or_malformed_keys_are_refused(string key)
    {
        var response = await app.WithApiKey(key).GetAsync("/api/v1/contacts");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_right_prefix_with_a_wrong_secret_is_refused()
    {
        var admin = await app.SignedInAsync();
        var key = (await admin.PostJsonAsync("/api/v1/api-keys", new { name = "probe" })).Str("key");
        var forged = key[..^4] + (key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.WithApiKey(forged).GetAsync("/api/v1/contacts")).StatusCode);
    }

    [Fact]
    public async Task A_key_acts_with_its_role()
    {
        var admin = await app.SignedInAsync();
        var agentKey = (await admin.PostJsonAsync("/api/v1/api-keys", new { name = "agent bot", role = "agent" })).Str("key");
        var bot = app.WithApiKey(agentKey);
        Assert.Equal(HttpStatusCode.OK, (await bot.GetAsync("/api/v1/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.PostAsJsonAsync("/api/v1/api-keys", new { name = "escalate" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.GetAsync("/api/v1/api-keys")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_role_is_a_validation_error()
    {
        var admin = await app.SignedInAsync();
        var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = "root" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("role", out _));
    }
}
