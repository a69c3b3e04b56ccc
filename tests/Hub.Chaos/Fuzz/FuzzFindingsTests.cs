using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Chaos.Fuzz;

/// <summary>
/// The inputs the fuzzers found answering 500, kept as plain regression tests (they run on SQLite and PostgreSQL):
/// each must now be a 4xx problem+json that names what was wrong.
/// </summary>
public sealed class FuzzFindingsTests(FuzzApp app) : IClassFixture<FuzzApp>
{
    [Fact]
    public async Task A_json_body_in_an_unknown_charset_is_a_415_problem()
    {
        var admin = await app.SignedInAsync();
        using var content = new StringContent("{\"first_name\":\"Ada\"}");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=ebcdic");
        using var response = await admin.PostAsync(new Uri("/api/v1/contacts", UriKind.Relative), content);
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "charset");
    }

    [Theory]
    [InlineData("{\"workspace_name\":\"nul\\u0000inside\",\"admin_email\":\"{0}@example.com\",\"admin_name\":\"Ada\",\"admin_password\":\"Fuzz-Passw0rd-1\"}", "workspace_name")]
    [InlineData("{\"workspace_name\":\"Acme\",\"admin_email\":\"{0}@example.com\",\"admin_name\":\"\\u0000\",\"admin_password\":\"Fuzz-Passw0rd-1\"}", "admin_name")]
    [InlineData("{\"workspace_name\":\"\\ud800\",\"admin_email\":\"{0}@example.com\",\"admin_name\":\"Ada\",\"admin_password\":\"Fuzz-Passw0rd-1\"}", "workspace_name")]
    public async Task Sign_up_with_a_nul_or_a_lone_surrogate_in_a_name_is_a_400_naming_the_field(string body, string field)
    {
        using var content = new StringContent(body.Replace("{0}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal), Encoding.UTF8, "application/json");
        using var response = await app.Anonymous().PostAsync(new Uri("/api/v1/workspaces", UriKind.Relative), content);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("{\"email\":\"{0}@example.com\",\"first_name\":\"a\\u0000b\"}", "first_name")]
    [InlineData("{\"email\":\"{0}@example.com\",\"last_name\":\"\\udfff\"}", "last_name")]
    [InlineData("{\"email\":\"{0}@example.com\",\"attributes\":{\"plan\":\"x\\u0000\"}}", "attributes.plan")]
    [InlineData("{\"email\":\"{0}@example.com\",\"attributes\":{\"tags\":[{\"a\\u0000\":1}]}}", "attributes.tags")]
    public async Task A_contact_with_a_nul_or_a_lone_surrogate_is_a_400_naming_the_field(string body, string field)
    {
        var admin = await app.SignedInAsync();
        using var content = new StringContent(body.Replace("{0}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal), Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync(new Uri("/api/v1/contacts", UriKind.Relative), content);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(text.Contains($"\"{field}\"", StringComparison.Ordinal), text);
    }
}
