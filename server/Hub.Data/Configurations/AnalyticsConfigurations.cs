using Hub.Core.Analytics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Data.Configurations;

internal sealed class AnalyticsEventConfiguration : IEntityTypeConfiguration<AnalyticsEvent>
{
    public void Configure(EntityTypeBuilder<AnalyticsEvent> builder)
    {
        builder.ToTable("analytics_events");
        builder.Property(e => e.Family).HasMaxLength(64);
        builder.Property(e => e.EventType).HasMaxLength(200);
        builder.Property(e => e.Subject).HasMaxLength(300);
        builder.Property(e => e.Version).HasMaxLength(16);
        builder.Property(e => e.Source).HasMaxLength(64);
        builder.Property(e => e.CorrelationId).HasMaxLength(100);
        builder.Property(e => e.UserId).HasMaxLength(200);
        builder.Property(e => e.Data).HasJsonConversion();
        // The aggregator's queue: events not yet folded into the rollups, oldest first.
        builder.HasIndex(e => new { e.RolledUpAt, e.Id });
        builder.HasIndex(e => new { e.WorkspaceId, e.OccurredAt });
    }
}

internal sealed class AnalyticsRollupConfiguration : IEntityTypeConfiguration<AnalyticsRollup>
{
    public void Configure(EntityTypeBuilder<AnalyticsRollup> builder)
    {
        builder.ToTable("analytics_rollups");
        builder.HasKey(r => new { r.WorkspaceId, r.Granularity, r.BucketStart, r.EventType, r.Dimension });
        builder.Property(r => r.Granularity).HasConversion<string>().HasMaxLength(8);
        builder.Property(r => r.EventType).HasMaxLength(200);
        builder.Property(r => r.Dimension).HasMaxLength(64);
    }
}

internal sealed class AnalyticsBucketUserConfiguration : IEntityTypeConfiguration<AnalyticsBucketUser>
{
    public void Configure(EntityTypeBuilder<AnalyticsBucketUser> builder)
    {
        builder.ToTable("analytics_bucket_users");
        builder.HasKey(r => new { r.WorkspaceId, r.Granularity, r.BucketStart, r.EventType, r.Dimension, r.UserId });
        builder.Property(r => r.Granularity).HasConversion<string>().HasMaxLength(8);
        builder.Property(r => r.EventType).HasMaxLength(200);
        builder.Property(r => r.Dimension).HasMaxLength(64);
        builder.Property(r => r.UserId).HasMaxLength(200);
        builder.HasIndex(r => new { r.WorkspaceId, r.UserId, r.Granularity, r.BucketStart });
    }
}

internal sealed class AlertRuleConfiguration : IEntityTypeConfiguration<AlertRule>
{
    public void Configure(EntityTypeBuilder<AlertRule> builder)
    {
        builder.ToTable("analytics_alert_rules");
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.Metric).HasMaxLength(32);
        builder.Property(r => r.EventType).HasMaxLength(200);
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Comparison).HasConversion<string>().HasMaxLength(8);
        builder.Property(r => r.Severity).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(r => new { r.WorkspaceId, r.Name }).IsUnique();
    }
}

internal sealed class AlertEventConfiguration : IEntityTypeConfiguration<AlertEvent>
{
    public void Configure(EntityTypeBuilder<AlertEvent> builder)
    {
        builder.ToTable("analytics_alert_events");
        builder.Property(e => e.AlertType).HasMaxLength(32);
        builder.Property(e => e.Metric).HasMaxLength(32);
        builder.Property(e => e.TimeWindow).HasMaxLength(16);
        builder.Property(e => e.Title).HasMaxLength(300);
        builder.Property(e => e.Description).HasMaxLength(2000);
        builder.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Severity).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(e => new { e.WorkspaceId, e.CreatedAt });
        builder.HasOne<AlertRule>().WithMany().HasForeignKey(e => e.RuleId).OnDelete(DeleteBehavior.Cascade);
    }
}
