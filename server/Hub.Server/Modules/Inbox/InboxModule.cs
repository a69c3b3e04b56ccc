using Hub.Server.Modules.Inbox.Api;
using Hub.Core.Inbox;
using Hub.Intelligence;
using Quartz;

namespace Hub.Server.Modules.Inbox;

/// <summary>The shared inbox: inbound processing, replies, assignment and SLA checks.</summary>
public static class InboxModule
{
    public static IHostApplicationBuilder AddInbox(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<InboxOptions>().BindConfiguration(InboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHubIntelligence(builder.Configuration);
        services.AddSingleton<MessageClassifier>();
        services.AddScoped<ConversationMessaging>();
        services.AddScoped<AssignmentService>();
        services.AddScoped<SlaClock>();
        services.AddScoped<RoutingSettings>();
        services.AddScoped<SlaMonitor>();
        services.AddScoped<InboxService>();
        services.AddScoped<IInboundProcessor>(sp => sp.GetRequiredService<InboxService>());
        services.AddScoped<OutboundService>();
        services.AddOptions<CsatOptions>().BindConfiguration(CsatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<CsatService>();

        var interval = builder.Configuration.GetValue($"{InboxOptions.Section}:{nameof(InboxOptions.SlaCheckInterval)}", new InboxOptions().SlaCheckInterval);
        services.AddQuartz(q => q.ScheduleJob<SlaJob>(trigger => trigger
            .WithIdentity("sla-check")
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever())));
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    /// <summary>Conversations, messages, canned responses, SLA policies and classification corrections.</summary>
    public static IEndpointRouteBuilder MapInbox(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapConversationsApi();
        app.MapMessagesApi();
        app.MapCannedResponsesApi();
        app.MapSlaPoliciesApi();
        app.MapRoutingApi();
        app.MapClassificationApi();
        return app;
    }
}
