using Hub.Server.Auth;
using Hub.Server.Dashboard;
using Hub.Server.Health;
using Hub.Server.Hubs;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Analytics;
using Hub.Server.Modules.Campaigns;
using Hub.Server.Modules.Channels;
using Hub.Server.Modules.Contacts;
using Hub.Server.Modules.Delivery;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Notifications;
using Hub.Server.Modules.Realtime;
using Hub.Server.Modules.Rules;
using Hub.Server.Modules.Templates;
using Hub.Server.Modules.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddJsonFile("appsettings.Local.json", optional: true, reloadOnChange: true);

// The host: storage, sign-in, the API's conventions and the two SignalR hubs.
builder.AddHubStorage();
builder.AddHubAuth();
builder.AddHubApi();
builder.AddHubs();

// The feature modules (server/Hub.Server/Modules/<Module>/<Module>Module.cs).
builder.AddRealtime();
builder.AddContacts();
builder.AddChannels();
builder.AddInbox();
builder.AddDelivery();
builder.AddNotifications();
builder.AddTemplates();
builder.AddCampaigns();
builder.AddRules();
builder.AddWebhooks();
builder.AddAnalytics();

builder.AddDashboard();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();

app.MapHubHealth();
app.MapHubApiDocs();
app.MapHubAuth();
app.MapHubs();

app.MapContacts();
app.MapChannels();
app.MapInbox();
app.MapNotifications();
app.MapTemplates();
app.MapCampaigns();
app.MapRules();
app.MapWebhooks();
app.MapAnalytics();

app.MapDashboard();

await app.Services.InitializeHubDatabaseAsync(app.Lifetime.ApplicationStopping);
await app.RunAsync();

/// <summary>The host's entry point; public so integration tests can start it.</summary>
public partial class Program;
