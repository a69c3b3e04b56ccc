using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Server.Tests.Users.UsersApiTests;

namespace Hub.Server.Tests.Users;

/// <summary><c>POST /api/v1/users/import</c>: many users at once, bad rows reported by row and skipped.</summary>
[Collection(HubCollection.Name)]
public sealed class UserImportTests(HubApp app)
{
    [Fact]
    public async Task A_csv_of_two_thousand_rows_stores_the_good_ones_and_reports_each_bad_row_by_its_line()
    {
        var client = await app.NewWorkspaceAsync($"Import {Guid.NewGuid():N}");
        var prefix = $"c{Guid.NewGuid():N}"[..12];
        var bad = new Dictionary<int, (string Line, string Field)>
        {
            [7] = ($"{prefix}-7,not-an-email,,,,,,,", "email"),
            [250] = ($"{prefix}-250,,0612345678,,,,,,", "phone"),
            [501] = ($"{prefix}-501,,,,,Mars/Olympus,,,", "timezone"),
            [1002] = ($"{prefix}-1002,,,,,,,maybe,", "is_active"),
            [1500] = ($"{prefix}-1500,,,,,,,,31/12/1990", "dob"),
            [1777] = ($"{prefix}-1777,a@example.com,,Too,Few", "$"),
            [1999] = ($"{prefix}-1999,b@example.com,,Sa\"rah,,,,,", "$"),
            [2000] = (",nobody@example.com,,,,,,,", "user_id"),
        };
        var csv = new StringBuilder("user_id,email,phone,first_name,last_name,timezone,language,is_active,dob,attributes.plan\n");
        for (var i = 1; i <= 2000; i++)
        {
            csv.Append(bad.TryGetValue(i, out var row)
                ? row.Line + ",\n"
                : $"{prefix}-{i},user{i}@Example.com,+1415555{i:0000},First{i},\"Last, {i}\",Europe/Paris,en,true,1990-01-{i % 28 + 1:00},pro\n");
        }

        var report = await ImportAsync(client, csv.ToString(), "text/csv");

        Assert.Equal(2000, report.GetProperty("processed").GetInt32());
        Assert.Equal(1992, report.GetProperty("created").GetInt32());
        Assert.Equal(0, report.GetProperty("updated").GetInt32());
        Assert.Equal(8, report.GetProperty("rejected").GetInt32());
        Assert.False(report.GetProperty("errors_truncated").GetBoolean());
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        // Row numbers are the file's lines: the header is line 1, data row i is line i + 1.
        Assert.Equal(bad.Keys.Select(i => (long)i + 1), errors.Select(e => e.GetProperty("row").GetInt64()));
        foreach (var (error, (_, field)) in errors.Zip(bad.Values))
        {
            Assert.True(error.GetProperty("errors").TryGetProperty(field, out _), $"row {error.GetProperty("row")} should name '{field}': {error}");
        }

        Assert.Equal($"{prefix}-7", errors[0].Str("user_id"));

        var user = await client.GetJsonAsync($"/api/v1/users/{prefix}-42");
        Assert.Equal("user42@example.com", user.Str("email"));
        Assert.Equal("Last, 42", user.Str("last_name"));
        Assert.Equal("+14155550042", user.Str("phone"));
        Assert.Equal("pro", user.GetProperty("attributes").Str("plan"));
        Assert.Equal("1990-01-15", user.Str("dob"));
        foreach (var i in bad.Keys.Where(i => i != 2000))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/users/{prefix}-{i}")).StatusCode);
        }

        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var prefixed = $"{prefix}-";
        Assert.Equal(1992, await db.Contacts.IgnoreQueryFilters().CountAsync(c => c.ExternalId!.StartsWith(prefixed)));
        // Imports skip the per-user analytics events, to stay fast.
        Assert.Equal(0, await db.Events.IgnoreQueryFilters().CountAsync(e => e.UserId.StartsWith(prefixed)));
    }

    [Fact]
    public async Task An_import_updates_existing_users_keeps_empty_cells_and_a_later_duplicate_wins()
    {
        var client = await app.NewWorkspaceAsync($"Import {Guid.NewGuid():N}");
        await client.PostJsonAsync("/api/v1/users", new { user_id = "known", first_name = "Old", email = "known@example.com", attributes = new { tier = "gold" } });
        const string csv = """
            user_id,first_name,email,attributes.plan
            known,New,,pro
            fresh,Fresh,fresh@example.com,
            fresh,Fresher,,team
            """;

        var report = await ImportAsync(client, csv, "text/csv");

        Assert.Equal("""{"processed":3,"created":1,"updated":2,"rejected":0,"errors":[],"errors_truncated":false}""", report.GetRawText());
        var known = await client.GetJsonAsync("/api/v1/users/known");
        Assert.Equal("New", known.Str("first_name"));
        Assert.Equal("known@example.com", known.Str("email"));
        Assert.Equal("""{"tier":"gold","plan":"pro"}""", known.GetProperty("attributes").GetRawText());
        var fresh = await client.GetJsonAsync("/api/v1/users/fresh");
        Assert.Equal("Fresher", fresh.Str("first_name"));
        Assert.Equal("fresh@example.com", fresh.Str("email"));
        Assert.Equal("team", fresh.GetProperty("attributes").Str("plan"));
    }

    [Fact]
    public async Task A_json_array_import_reports_bad_elements_by_position()
    {
        var client = await app.NewWorkspaceAsync($"Import {Guid.NewGuid():N}");
        const string body = """
            [
              {"user_id": "j1", "email": "j1@example.com", "attributes": {"plan": "pro", "seats": 4}},
              {"user_id": "j2", "is_active": "yes"},
              {"user_id": "j3", "nickname": "x"},
              "not an object",
              {"email": "no-id@example.com"},
              {"user_id": "j6", "timezone": "Asia/Tokyo", "dob": "2001-02-03"}
            ]
            """;

        var report = await ImportAsync(client, body, "application/json");

        Assert.Equal(6, report.GetProperty("processed").GetInt32());
        Assert.Equal(2, report.GetProperty("created").GetInt32());
        Assert.Equal(4, report.GetProperty("rejected").GetInt32());
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([2L, 3, 4, 5], errors.Select(e => e.GetProperty("row").GetInt64()));
        Assert.True(errors[0].GetProperty("errors").TryGetProperty("is_active", out _), errors[0].ToString());
        Assert.Equal("j2", errors[0].Str("user_id"));
        Assert.True(errors[1].GetProperty("errors").TryGetProperty("nickname", out _), errors[1].ToString());
        Assert.True(errors[3].GetProperty("errors").TryGetProperty("user_id", out _), errors[3].ToString());
        Assert.Equal(4, (await client.GetJsonAsync("/api/v1/users/j1")).GetProperty("attributes").GetProperty("seats").GetInt32());
        Assert.Equal("Asia/Tokyo", (await client.GetJsonAsync("/api/v1/users/j6")).Str("timezone"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/users/j2")).StatusCode);
    }

    [Fact]
    public async Task An_ndjson_import_skips_a_broken_line_and_reads_on()
    {
        var client = await app.NewWorkspaceAsync($"Import {Guid.NewGuid():N}");
        const string body = "{\"user_id\":\"n1\"}\n{\"user_id\": \"n2\", oops}\n\n{\"user_id\":\"n3\",\"language\":\"de\"}\n";

        var report = await ImportAsync(client, body, "application/x-ndjson");

        Assert.Equal(2, report.GetProperty("created").GetInt32());
        var error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal(2, error.GetProperty("row").GetInt64());
        Assert.Equal("de", (await client.GetJsonAsync("/api/v1/users/n3")).Str("language"));
    }

    [Fact]
    public async Task The_error_list_is_capped_and_says_so()
    {
        var client = await app.NewWorkspaceAsync($"Import {Guid.NewGuid():N}");
        var csv = new StringBuilder("user_id,email\n");
        for (var i = 0; i < 1200; i++)
        {
            csv.Append($"x{i},bad-address\n");
        }

        csv.Append("ok,ok@example.com\n");

        var report = await ImportAsync(client, csv.ToString(), "text/csv");

        Assert.Equal(1201, report.GetProperty("processed").GetInt32());
        Assert.Equal(1200, report.GetProperty("rejected").GetInt32());
        Assert.Equal(1000, report.GetProperty("errors").GetArrayLength());
        Assert.True(report.GetProperty("errors_truncated").GetBoolean());
        Assert.Equal("ok@example.com", (await client.GetJsonAsync("/api/v1/users/ok")).Str("email"));
    }

    [Fact]
    public async Task An_unsupported_content_type_is_415_and_a_bad_file_is_400_and_nothing_is_imported()
    {
        var client = await app.NewWorkspaceAsync($"Import {Guid.NewGuid():N}");

        var xml = await client.PostAsync("/api/v1/users/import", new StringContent("<users/>", Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
        Assert.Equal("application/problem+json", xml.Content.Headers.ContentType?.MediaType);

        await AssertProblemNamesAsync(await Post(client, "user_id,nickname\nz1,Zed\n", "text/csv"), "nickname");
        await AssertProblemNamesAsync(await Post(client, "email\nz@example.com\n", "text/csv"), "user_id");
        await AssertProblemNamesAsync(await Post(client, """{"user_id":"z1"}""", "application/json"), "$");
        await AssertProblemNamesAsync(await Post(client, "", "text/csv"), "$");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/users/z1")).StatusCode);
    }

    internal static async Task<JsonElement> ImportAsync(HttpClient client, string body, string contentType)
    {
        var response = await Post(client, body, contentType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"import answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static Task<HttpResponseMessage> Post(HttpClient client, string body, string contentType) =>
        client.PostAsync("/api/v1/users/import", new StringContent(body, Encoding.UTF8, contentType));
}
