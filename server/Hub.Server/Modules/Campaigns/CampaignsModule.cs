using Hub.Server.Modules.Notifications;
using Hub.Server.Modules.Campaigns.Tracking;
using Hub.Server.Modules.Campaigns.Api;
using Hub.Server.Modules.Delivery;
using Hub.Server.Infrastructure;
using Quartz;

namespace Hub.Server.Modules.Campaigns;

/// <summary>Campaigns, segments, the send ledger's runner and its Quartz schedule.</summary>
public static class CampaignsModule
{
    public static IHostApplicationBuilder AddCampaigns(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<CampaignOptions>().BindConfiguration(CampaignOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddTracking();
        services.AddScoped<AudienceQuery>();
        services.AddScoped<RecipientChecks>();
        services.AddScoped<CampaignComposer>();
        services.AddScoped<CampaignLifecycle>();
        services.AddScoped<CampaignLedger>();
        services.AddScoped<LedgerExpander>();
        services.AddScoped<RecipientSender>();
        services.AddScoped<BatchSender>();
        services.AddScoped<CampaignRunner>();
        services.AddScoped<IMessageStatusObserver, CampaignLedgerObserver>();
        services.AddSingleton<CampaignWake>();
        services.AddScoped<CampaignTracking>();
        services.AddScoped<INotificationAckObserver, CampaignPushObserver>();
        services.AddScoped<AbWinnerDecider>();
        services.AddSingleton<CampaignLive>();
        services.AddHostedService(sp => sp.GetRequiredService<CampaignLive>());

        var section = builder.Configuration.GetSection(CampaignOptions.Section);
        var runner = section.GetValue(nameof(CampaignOptions.RunnerEnabled), true);
        var interval = section.GetValue(nameof(CampaignOptions.SweepInterval), new CampaignOptions().SweepInterval);
        var checkin = section.GetValue(nameof(CampaignOptions.ClusterCheckinInterval), new CampaignOptions().ClusterCheckinInterval);
        var postgres = builder.Configuration.GetConnectionString(StorageExtensions.PostgresName);
        services.AddQuartz(q =>
        {
            if (!string.IsNullOrWhiteSpace(postgres))
            {
                // Every node shares the schedule: one sweep at a time across the cluster, and a node that dies
                // mid-job has its work recovered by another. Quartz creates its qrtz_* tables when they are missing.
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(postgres);
                    store.UseSystemTextJsonSerializer();
                    store.UseClustering(c => c.CheckinInterval = checkin);
                    store.ProvisionSchema();
                });
            }

            if (runner)
            {
                q.ScheduleJob<CampaignSweepJob>(
                    trigger => trigger.WithIdentity("campaign-sweep").StartNow().WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()),
                    job => job.WithIdentity(CampaignSweepJob.Key));
            }
        });
        return builder;
    }

    /// <summary>Campaigns, segments, and the public tracking endpoints (open pixel, click redirect, unsubscribe).</summary>
    public static IEndpointRouteBuilder MapCampaigns(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapCampaignsApi();
        app.MapSegmentsApi();
        app.MapTrackingApi();
        return app;
    }
}
