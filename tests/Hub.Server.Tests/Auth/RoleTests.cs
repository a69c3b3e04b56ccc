using System.Net;
using System.Net.Http.Json;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Auth;

[Collection(HubCollection.Name)]
public sealed class RoleTests(HubApp app)
{
    [Fact]
    public async Task Agents_work_with_contacts_but_cannot_manage_members_keys_or_channels()
    {
        var admin = await app.SignedInAsync();
        var agent = await app.NewMemberAsync(admin, "agent");

        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync("/api/v1/contacts", new { email = $"{Guid.NewGuid():N}@example.com" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/v1/channels")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/members",
            new { email = "x@example.com", display_name = "X", role = "admin", password = "Some-Passw0rd-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/api-keys", new { name = "mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/channels",
            new { name = "c", type = "email", provider = "smtp" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/v1/workspace/client-secret", null)).StatusCode);
    }

    [Fact]
    public async Task Marketers_cannot_delete_contacts_or_change_roles()
    {
        var admin = await app.SignedInAsync();
        var marketer = await app.NewMemberAsync(admin, "marketer");
        var contact = await admin.PostJsonAsync("/api/v1/contacts", new { email = $"{Guid.NewGuid():N}@example.com" });

        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.DeleteAsync($"/api/v1/contacts/{contact.Str("id")}")).StatusCode);
        var me = await marketer.GetJsonAsync("/api/v1/auth/me");
        var patch = await marketer.PatchAsJsonAsync($"/api/v1/members/{me.Str("subject")}", new { role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, patch.StatusCode);
    }

    [Fact]
    public async Task An_admin_promotes_an_agent_and_the_new_role_applies_to_new_tokens()
    {
        var admin = await app.SignedInAsync();
        var email = $"promo-{Guid.NewGuid():N}@example.com";
        var member = await admin.PostJsonAsync("/api/v1/members", new { email, display_name = "Promo", role = "agent", password = "Promo-Passw0rd-1" });

        var updated = await (await admin.PatchAsJsonAsync($"/api/v1/members/{member.Str("id")}", new { role = "admin" })).JsonAsync();
        Assert.Equal(["admin"], updated.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());

        var promoted = await app.SignedInAsync(email, "Promo-Passw0rd-1");
        Assert.Equal(HttpStatusCode.OK, (await promoted.GetAsync("/api/v1/api-keys")).StatusCode);
    }

    [Fact]
    public async Task An_admin_cannot_demote_or_remove_themselves()
    {
        var admin = await app.SignedInAsync();
        var me = await admin.GetJsonAsync("/api/v1/auth/me");
        var demote = await admin.PatchAsJsonAsync($"/api/v1/members/{me.Str("subject")}", new { role = "agent" });
        Assert.Equal(HttpStatusCode.BadRequest, demote.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.DeleteAsync($"/api/v1/members/{me.Str("subject")}")).StatusCode);
    }
}
