using Hub.Server.Api.ApiKeys;
using Hub.Server.Api.Campaigns;
using Hub.Server.Api.Auth;
using Hub.Server.Api.CannedResponses;
using Hub.Server.Api.Channels;
using Hub.Server.Api.Classification;
using Hub.Server.Api.ClientTokens;
using Hub.Server.Api.Contacts;
using Hub.Server.Api.Conversations;
using Hub.Server.Api.Members;
using Hub.Server.Api.Notifications;
using Hub.Server.Api.Rules;
using Hub.Server.Api.Segments;
using Hub.Server.Api.SlaPolicies;
using Hub.Server.Api.Templates;
using Hub.Server.Api.Tracking;
using Hub.Server.Api.Users;
using Hub.Server.Api.Widget;
using Hub.Server.Api.Workspaces;
using Hub.Server.Auth;
using Hub.Server.Campaigns;
using Hub.Server.Delivery;
using Hub.Server.Health;
using Hub.Server.Inbox;
using Hub.Server.Infrastructure;
using Hub.Server.Notifications;
using Hub.Server.Realtime;
using Hub.Server.Tracking;
using Hub.Server.Webhooks.Email;
using Hub.Server.Webhooks.Twilio;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddJsonFile("appsettings.Local.json", optional: true, reloadOnChange: true);

builder.AddHubStorage();
builder.AddHubAuth();
builder.AddHubApi();
builder.AddHubRealtime();
builder.AddInbox();
builder.AddDelivery();
builder.AddNotifications();
builder.AddUsers();
builder.AddCampaigns();
builder.AddEmail();
builder.AddTwilio();
builder.AddTracking();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();

app.MapHubHealth();
app.MapHubApiDocs();
app.MapAuthApi();
app.MapWorkspacesApi();
app.MapMembersApi();
app.MapApiKeysApi();
app.MapContactsApi();
app.MapUsersApi();
app.MapChannelsApi();
app.MapConversationsApi();
app.MapMessagesApi();
app.MapCannedResponsesApi();
app.MapSlaPoliciesApi();
app.MapClassificationApi();
app.MapClientTokensApi();
app.MapWidgetApi();
app.MapNotificationsApi();
app.MapRulesApi();
app.MapTemplatesApi();
app.MapCampaignsApi();
app.MapSegmentsApi();
app.MapHubRealtime();
app.MapEmailWebhooks();
app.MapTwilioWebhooks();
app.MapTrackingApi();

await app.Services.InitializeHubDatabaseAsync(app.Lifetime.ApplicationStopping);
await app.RunAsync();

/// <summary>The host's entry point; public so integration tests can start it.</summary>
public partial class Program;
