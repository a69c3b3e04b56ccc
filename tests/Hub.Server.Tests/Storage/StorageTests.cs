using System.Net;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Storage;

[Collection(HubCollection.Name)]
public sealed class StorageTests(HubApp app)
{
    [Fact]
    public async Task Migrations_are_applied_at_start_and_match_the_model()
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a migration: run dotnet ef migrations add for both stores.");
        Assert.Equal(app.Store.Kind == "postgres" ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite", db.Database.ProviderName);
    }

    [Fact]
    public async Task A_second_start_on_the_same_database_keeps_the_data_and_creates_no_second_admin()
    {
        var client = await app.SignedInAsync();
        var contact = await client.PostJsonAsync("/api/v1/contacts", new { email = $"{Guid.NewGuid():N}@example.com" });

        // A second host on the same database: migrations and bootstrap run again and must be no-ops.
        await using var second = app.WithWebHostBuilder(_ => { });
        var secondClient = second.CreateClient();
        var token = await secondClient.PostJsonAsync("/api/v1/auth/token", new { email = HubApp.AdminEmail, password = HubApp.AdminPassword });
        secondClient.DefaultRequestHeaders.Authorization = new("Bearer", token.Str("access_token"));
        Assert.Equal(HttpStatusCode.OK, (await secondClient.GetAsync($"/api/v1/contacts/{contact.Str("id")}")).StatusCode);

        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Assert.Equal(1, await db.Users.CountAsync(m => m.Email == HubApp.AdminEmail));
        Assert.Equal(1, await db.Workspaces.CountAsync(w => w.Name == "Acme"));
    }

    [Fact]
    public async Task Health_endpoints_say_live_and_ready_without_credentials()
    {
        var client = app.Anonymous();
        var live = await client.GetJsonAsync("/health/live");
        var ready = await client.GetJsonAsync("/health/ready");
        Assert.Equal("Healthy", live.Str("status"));
        Assert.Equal("Healthy", ready.Str("status"));
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").Str("status"));
    }

    [Fact]
    public async Task The_openapi_document_lists_the_endpoints()
    {
        var doc = await app.Anonymous().GetJsonAsync("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/contacts", out _));
        Assert.True(paths.TryGetProperty("/api/v1/auth/token", out _));
        Assert.True(paths.TryGetProperty("/api/v1/api-keys", out _));
    }
}
