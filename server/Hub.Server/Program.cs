using Hub.Server.Api.ApiKeys;
using Hub.Server.Api.Audit;
using Hub.Server.Api.Auth;
using Hub.Server.Api.CannedResponses;
using Hub.Server.Api.Channels;
using Hub.Server.Api.Classification;
using Hub.Server.Api.ClientTokens;
using Hub.Server.Api.Contacts;
using Hub.Server.Api.Conversations;
using Hub.Server.Api.Events;
using Hub.Server.Api.Members;
using Hub.Server.Api.Notifications;
using Hub.Server.Api.SlaPolicies;
using Hub.Server.Api.Widget;
using Hub.Server.Api.Workspaces;
using Hub.Server.Auth;
using Hub.Server.Delivery;
using Hub.Server.Health;
using Hub.Server.Inbox;
using Hub.Server.Infrastructure;
using Hub.Server.Notifications;
using Hub.Server.Realtime;
using Hub.Server.Rules;
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
builder.AddRulesEngine();
builder.AddEmail();
builder.AddTwilio();

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
app.MapChannelsApi();
app.MapConversationsApi();
app.MapMessagesApi();
app.MapCannedResponsesApi();
app.MapSlaPoliciesApi();
app.MapClassificationApi();
app.MapClientTokensApi();
app.MapWidgetApi();
app.MapNotificationsApi();
app.MapEventsApi();
app.MapAuditApi();
app.MapHubRealtime();
app.MapEmailWebhooks();
app.MapTwilioWebhooks();

await app.Services.InitializeHubDatabaseAsync(app.Lifetime.ApplicationStopping);
await app.RunAsync();

/// <summary>The host's entry point; public so integration tests can start it.</summary>
public partial class Program;
