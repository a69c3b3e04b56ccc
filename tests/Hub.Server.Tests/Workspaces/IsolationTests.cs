using System.Net;
using System.Net.Http.Json;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Workspaces;

/// <summary>A member of one workspace can't read, change or delete another workspace's rows through any endpoint.</summary>
[Collection(HubCollection.Name)]
public sealed class IsolationTests(HubApp app)
{
    [Fact]
    public async Task Another_workspaces_contact_is_invisible_and_untouchable()
    {
        var a = await app.SignedInAsync();
        var b = await app.NewWorkspaceAsync($"Beta {Guid.NewGuid():N}");
        var secret = $"{Guid.NewGuid():N}@acme.example";
        var contact = await a.PostJsonAsync("/api/v1/contacts", new { email = secret, first_name = "Private" });
        var id = contact.Str("id");

        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/v1/contacts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PatchAsJsonAsync($"/api/v1/contacts/{id}", new { first_name = "Stolen" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"/api/v1/contacts/{id}")).StatusCode);
        var list = await b.GetJsonAsync($"/api/v1/contacts?search={secret}");
        Assert.Empty(list.GetProperty("items").EnumerateArray());

        var still = await a.GetJsonAsync($"/api/v1/contacts/{id}");
        Assert.Equal("Private", still.Str("first_name"));
    }

    [Fact]
    public async Task External_ids_are_unique_per_workspace_not_globally()
    {
        var a = await app.SignedInAsync();
        var b = await app.NewWorkspaceAsync($"Gamma {Guid.NewGuid():N}");
        var externalId = $"user-{Guid.NewGuid():N}";
        await a.PostJsonAsync("/api/v1/contacts", new { external_id = externalId });
        Assert.Equal(HttpStatusCode.Created, (await b.PostAsJsonAsync("/api/v1/contacts", new { external_id = externalId })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await a.PostAsJsonAsync("/api/v1/contacts", new { external_id = externalId })).StatusCode);
    }

    [Fact]
    public async Task Another_workspaces_channel_members_and_keys_are_out_of_reach()
    {
        var a = await app.SignedInAsync();
        var b = await app.NewWorkspaceAsync($"Delta {Guid.NewGuid():N}");
        var channel = await a.PostJsonAsync("/api/v1/channels", new { name = "Acme support", type = "email", provider = "smtp" });
        var key = await a.PostJsonAsync("/api/v1/api-keys", new { name = "acme key" });
        var aMembers = await a.GetJsonAsync("/api/v1/members");
        var aMemberId = aMembers.EnumerateArray().First().Str("id");

        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/v1/channels/{channel.Str("id")}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PatchAsJsonAsync($"/api/v1/channels/{channel.Str("id")}", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"/api/v1/channels/{channel.Str("id")}")).StatusCode);
        Assert.DoesNotContain(channel.Str("id"), (await b.GetJsonAsync("/api/v1/channels")).GetRawText(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"/api/v1/api-keys/{key.Str("id")}")).StatusCode);
        Assert.DoesNotContain(key.Str("id"), (await b.GetJsonAsync("/api/v1/api-keys")).GetRawText(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await b.PatchAsJsonAsync($"/api/v1/members/{aMemberId}", new { display_name = "pwned" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"/api/v1/members/{aMemberId}")).StatusCode);
        Assert.DoesNotContain(aMemberId, (await b.GetJsonAsync("/api/v1/members")).GetRawText(), StringComparison.Ordinal);

        // A's key still works on A's data and sees nothing of B's.
        var bContact = await b.PostJsonAsync("/api/v1/contacts", new { email = $"{Guid.NewGuid():N}@beta.example" });
        Assert.Equal(HttpStatusCode.NotFound, (await app.WithApiKey(key.Str("key")).GetAsync($"/api/v1/contacts/{bContact.Str("id")}")).StatusCode);
    }

    [Fact]
    public async Task Each_workspace_sees_only_its_own_workspace()
    {
        var a = await app.SignedInAsync();
        var b = await app.NewWorkspaceAsync($"Epsilon {Guid.NewGuid():N}");
        var wa = await a.GetJsonAsync("/api/v1/workspace");
        var wb = await b.GetJsonAsync("/api/v1/workspace");
        Assert.NotEqual(wa.Str("id"), wb.Str("id"));
        Assert.StartsWith("epsilon-", wb.Str("slug"), StringComparison.Ordinal);
    }
}
