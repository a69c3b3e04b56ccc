using Bunit;
using Hub.Web.Features.Contacts;
using Hub.Web.Services;
using Hub.Web.Tests.Infrastructure;

namespace Hub.Web.Tests.Contacts;

public sealed class ContactsPageTests : DashboardTestContext
{
    [Fact]
    public void Lists_contacts_and_searches_through_the_api()
    {
        Api.On(HttpMethod.Get, "/api/v1/contacts?limit=50", new ApiPage<ContactSummary>(
            [
                new ContactSummary(Guid.NewGuid(), "u-1", "Ada", "Lovelace", "ada@example.com", null, "Europe/London", "en", true, DateTimeOffset.UnixEpoch),
                new ContactSummary(Guid.NewGuid(), null, null, null, null, "+15550001111", null, null, true, DateTimeOffset.UnixEpoch),
            ], "next-page"));

        Api.On(HttpMethod.Get, "/api/v1/contacts?limit=50&search=ada", new ApiPage<ContactSummary>(
            [new ContactSummary(Guid.NewGuid(), "u-1", "Ada", "Lovelace", "ada@example.com", null, "Europe/London", "en", true, DateTimeOffset.UnixEpoch)], null));
        var page = Render<ContactsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        Assert.Contains("Ada Lovelace", page.Markup);
        Assert.Contains("+15550001111", page.Find("tbody tr:nth-child(2)").TextContent);
        Assert.NotNull(page.Find("[data-testid=contacts-more]"));

        page.Find("input[data-testid=contacts-search]").Input("ada");
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")), TimeSpan.FromSeconds(3));
        Assert.Contains(Api.Requests, r => r.Request == "GET /api/v1/contacts?limit=50&search=ada");
        Assert.Empty(page.FindAll("[data-testid=contacts-more]"));
    }

    [Fact]
    public void An_api_problem_is_shown_not_swallowed()
    {
        Api.On(HttpMethod.Get, "/api/v1/contacts", (_, _) => FakeApi.Problem(400, "Invalid", new Dictionary<string, string[]> { ["limit"] = ["limit is 1 to 200."] }));
        var page = Render<ContactsPage>();
        page.WaitForAssertion(() => Assert.Contains("limit is 1 to 200.", page.Markup));
    }
}
