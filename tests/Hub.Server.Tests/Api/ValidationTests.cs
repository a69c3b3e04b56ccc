using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Api;

/// <summary>Bad input gets a 400 problem+json that names the field, and changes nothing.</summary>
[Collection(HubCollection.Name)]
public sealed class ValidationTests(HubApp app)
{
    [Theory]
    [InlineData("""{"email":"a@example.com","nickname":"x"}""", "nickname")]
    [InlineData("""{"email":"a@example.com","first_name":5}""", "first_name")]
    [InlineData("""{"email":"a@example.com","is_active":"yes"}""", "is_active")]
    [InlineData("""{"email":"not-an-email"}""", "email")]
    [InlineData("""{"phone":"0612345678"}""", "phone")]
    [InlineData("""{"email":"a@example.com","timezone":"Mars/Olympus"}""", "timezone")]
    [InlineData("""{"email":"a@example.com","language":"english!"}""", "language")]
    [InlineData("""{"first_name":"No address"}""", "external_id")]
    public async Task A_bad_contact_is_refused_naming_the_field(string body, string field)
    {
        var client = await app.SignedInAsync();
        var before = (await client.GetJsonAsync("/api/v1/contacts?limit=200")).GetProperty("items").GetArrayLength();

        var response = await client.PostAsync("/api/v1/contacts", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        Assert.Equal(before, (await client.GetJsonAsync("/api/v1/contacts?limit=200")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_frameworks_validation_messages_come_back_in_plain_words_naming_the_field()
    {
        var admin = await app.SignedInAsync();
        var response = await admin.PostAsJsonAsync("/api/v1/members", new { email = "not-an-address", display_name = "Sam", role = "agent", password = "short" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.Equal("Password must be at least 10 characters.", errors.GetProperty("password")[0].GetString());
        Assert.Equal("Email is not a valid email address (like name@example.com).", errors.GetProperty("email")[0].GetString());
        Assert.DoesNotContain("The field", errors.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password", "The field Password must be a string or array type with a minimum length of '10'.", "Password must be at least 10 characters.")]
    [InlineData("settings.sender_email", "The SenderEmail field is not a valid e-mail address.", "Sender email is not a valid email address (like name@example.com).")]
    [InlineData("[2].first_response_minutes", "The field FirstResponseMinutes must be between 1 and 525600.", "First response minutes must be between 1 and 525600.")]
    [InlineData("name", "The Name field is required.", "Name is required.")]
    [InlineData("name", "The field Name must be a string or array type with a maximum length of '200'.", "Name can be at most 200 characters.")]
    [InlineData("content", "The field Content must be a string or array type with a minimum length of '1'.", "Content can't be empty.")]
    [InlineData("short_code", "short_code is 1-64 of a-z, 0-9, _ and -.", "short_code is 1-64 of a-z, 0-9, _ and -.")]
    public void Validation_words_rewrite_the_frameworks_sentences_only(string field, string message, string expected) =>
        Assert.Equal(expected, Hub.Server.Infrastructure.ValidationWords.Rewrite(field, message));

    [Theory]
    [InlineData("{\"email\":")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    public async Task Malformed_json_is_a_400_problem(string body)
    {
        var client = await app.SignedInAsync();
        var response = await client.PostAsync("/api/v1/contacts", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_enum_value_is_refused_naming_the_field()
    {
        var client = await app.SignedInAsync();
        var response = await client.PostAsJsonAsync("/api/v1/channels", new { name = "Fax", type = "fax", provider = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("type", out _));
    }

    [Theory]
    [InlineData("/api/v1/contacts?limit=0", "limit")]
    [InlineData("/api/v1/contacts?limit=100000", "limit")]
    [InlineData("/api/v1/contacts?cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task Bad_paging_parameters_are_named(string url, string field)
    {
        var client = await app.SignedInAsync();
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_non_numeric_limit_is_a_400_not_a_500()
    {
        var client = await app.SignedInAsync();
        var response = await client.GetAsync("/api/v1/contacts?limit=lots");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("limit", out _));
        var badEnum = await client.GetAsync("/api/v1/conversations?channel=fax");
        Assert.Equal(HttpStatusCode.BadRequest, badEnum.StatusCode);
        Assert.True((await badEnum.JsonAsync()).GetProperty("errors").TryGetProperty("channel", out _));
    }

    [Fact]
    public async Task Cursor_pages_walk_every_contact_once_newest_first()
    {
        var client = await app.NewWorkspaceAsync($"Paging {Guid.NewGuid():N}");
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await client.PostJsonAsync("/api/v1/contacts", new { external_id = $"p{i}" })).Str("id"));
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetJsonAsync($"/api/v1/contacts?limit=3{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.Str("id")));
            cursor = page.GetProperty("next_cursor").ValueKind == JsonValueKind.Null ? null : page.Str("next_cursor");
        }
        while (cursor is not null);

        created.Reverse();
        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task Updating_attributes_merges_and_null_removes_a_key()
    {
        var client = await app.SignedInAsync();
        var contact = await client.PostJsonAsync("/api/v1/contacts", new { email = $"{Guid.NewGuid():N}@example.com", attributes = new { plan = "pro", seats = 3 } });
        var response = await client.PatchAsync($"/api/v1/contacts/{contact.Str("id")}",
            new StringContent("""{"attributes":{"seats":null,"company":"Acme"},"timezone":"Europe/Paris"}""", Encoding.UTF8, "application/json"));
        var updated = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var attributes = updated.GetProperty("attributes");
        Assert.Equal("pro", attributes.Str("plan"));
        Assert.Equal("Acme", attributes.Str("company"));
        Assert.False(attributes.TryGetProperty("seats", out _));
        Assert.Equal("Europe/Paris", updated.Str("timezone"));
    }

    [Fact]
    public async Task Channel_secrets_are_write_only()
    {
        var client = await app.SignedInAsync();
        var channel = await client.PostJsonAsync("/api/v1/channels", new
        {
            name = "Twilio",
            type = "sms",
            provider = "twilio",
            settings = new { account_sid = "AC123", auth_token = "super-secret-token" },
        });
        Assert.Equal("AC123", channel.GetProperty("settings").Str("account_sid"));
        Assert.DoesNotContain("super-secret-token", channel.GetRawText(), StringComparison.Ordinal);
        var fetched = await client.GetJsonAsync($"/api/v1/channels/{channel.Str("id")}");
        Assert.DoesNotContain("super-secret-token", fetched.GetRawText(), StringComparison.Ordinal);
    }
}
