using Hub.Data.Analytics;
using Hub.Core.Analytics;
using Hub.Data;
using Hub.Server.Modules.Analytics;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Server.Tests.Analytics;

/// <summary>Hub with the analytics jobs off and a controllable clock; tests fold and evaluate with RunOnceAsync.</summary>
public sealed class AnalyticsApp : HubApp
{
    public AnalyticsApp()
    {
        Settings["Analytics:BackgroundJobs"] = "false";
        Settings["Webhooks:Enabled"] = "false"; // deliveries stay rows; tests read them
        ExtraServices = s => s.AddSingleton<TimeProvider>(Clock);
    }

    // Half an hour behind: tests move it forward, and tokens it stamps must stay valid by the real clock.
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeSeconds()));

    /// <summary>A new workspace: its admin client and its id.</summary>
    public async Task<(HttpClient Client, Guid WorkspaceId)> WorkspaceAsync()
    {
        var name = $"Analytics {Guid.NewGuid():N}";
        var client = await NewWorkspaceAsync(name);
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var id = await db.Workspaces.Where(w => w.Name == name).Select(w => w.Id).SingleAsync();
        return (client, id);
    }

    /// <summary>Records events in <paramref name="workspaceId"/> as Hub's own code does, then folds them into the rollups.</summary>
    public async Task RecordAsync(Guid workspaceId, params AnalyticsRecord[] records)
    {
        await using (var scope = Scope())
        {
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            foreach (var record in records)
            {
                AnalyticsRecorder.Record(db, record with { WorkspaceId = workspaceId });
            }

            await db.SaveChangesAsync();
        }

        await Services.GetRequiredService<AnalyticsAggregator>().RunOnceAsync(CancellationToken.None);
    }

    public static AnalyticsRecord Event(string type, string at, string? user, Guid? campaign = null, double? value = null) =>
        new(Guid.Empty, AnalyticsEventTypes.CampaignFamily, type, "test", DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture))
        {
            UserId = user,
            CampaignId = campaign,
            Value = value,
        };
}
