using System.Text.Json;
using Bunit;
using Hub.Web.Features.Settings;
using Hub.Web.Tests.Infrastructure;

namespace Hub.Web.Tests.Settings;

public sealed class ApiKeysTabTests : DashboardTestContext
{
    [Fact]
    public void A_new_keys_secret_is_shown_once_and_gone_after_the_next_action()
    {
        RenderMudProviders();
        var id = Guid.NewGuid();
        var listed = new List<ApiKeyDto>();
        Api.On(HttpMethod.Get, "/api/v1/api-keys", (_, _) => FakeApi.Json(listed));
        Api.On(HttpMethod.Post, "/api/v1/api-keys", (_, _) =>
        {
            listed.Add(new ApiKeyDto(id, "CI", "hub_ab12", "agent", DateTimeOffset.UtcNow, null, null));
            return FakeApi.Json(new CreatedApiKeyDto(id, "CI", "hub_ab12", "agent", "hub_ab12.s3cr3t-value", DateTimeOffset.UtcNow), System.Net.HttpStatusCode.Created);
        });
        Api.On(HttpMethod.Delete, $"/api/v1/api-keys/{id}", (_, _) =>
        {
            listed[0] = listed[0] with { RevokedAt = DateTimeOffset.UtcNow };
            return new HttpResponseMessage(System.Net.HttpStatusCode.NoContent);
        });
        var tab = Render<ApiKeysTab>();

        tab.Find("input[data-testid=api-key-name]").Change("CI");
        tab.Find("button[data-testid=api-key-create]").Click();

        tab.WaitForAssertion(() => Assert.Equal("hub_ab12.s3cr3t-value", tab.Find("[data-testid=api-key-secret]").TextContent));
        Assert.Single(tab.FindAll("[data-testid=api-keys-table] tbody tr"));
        Assert.DoesNotContain("s3cr3t", tab.Find("[data-testid=api-keys-table]").TextContent);
        var (_, body) = Assert.Single(Api.Requests, r => r.Request == "POST /api/v1/api-keys");
        Assert.Equal("CI", JsonDocument.Parse(body!).RootElement.GetProperty("name").GetString());

        tab.Find("button[data-testid=api-key-revoke-CI]").Click();
        tab.WaitForAssertion(() => Assert.Contains("revoked", tab.Find("[data-testid=api-keys-table]").TextContent));
        Assert.DoesNotContain("s3cr3t", tab.Markup);
        Assert.Empty(tab.FindAll("[data-testid=api-key-secret]"));
    }
}
