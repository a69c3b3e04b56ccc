using Hub.Core.Rules;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Data.Configurations;

internal sealed class TrackedEventConfiguration : IEntityTypeConfiguration<TrackedEvent>
{
    public void Configure(EntityTypeBuilder<TrackedEvent> builder)
    {
        builder.ToTable("events");
        builder.Property(e => e.UserId).HasMaxLength(200);
        builder.Property(e => e.EventType).HasMaxLength(200);
        builder.Property(e => e.ClientEventId).HasMaxLength(200);
        builder.Property(e => e.Properties).HasJsonConversion();
        builder.Property(e => e.Traits).HasJsonConversion();
        builder.HasIndex(e => new { e.WorkspaceId, e.UserId, e.EventType, e.OccurredAt });
        builder.HasIndex(e => new { e.WorkspaceId, e.ClientEventId }).IsUnique().HasFilter("\"ClientEventId\" IS NOT NULL");
        builder.HasIndex(e => new { e.Evaluation, e.ReceivedAt });
    }
}

internal sealed class RuleConfiguration : IEntityTypeConfiguration<Rule>
{
    public void Configure(EntityTypeBuilder<Rule> builder)
    {
        builder.ToTable("rules");
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.EventType).HasMaxLength(200);
        builder.Property(r => r.Description).HasMaxLength(1000);
        builder.Property(r => r.Conditions).HasJsonConversion();
        builder.Property(r => r.Action).HasJsonConversion();
        builder.Property(r => r.Suppression).HasJsonConversion();
        builder.HasIndex(r => new { r.WorkspaceId, r.Name }).IsUnique();
        builder.HasIndex(r => new { r.WorkspaceId, r.EventType, r.Order });
    }
}

internal sealed class DecisionConfiguration : IEntityTypeConfiguration<Decision>
{
    public void Configure(EntityTypeBuilder<Decision> builder)
    {
        builder.ToTable("decisions");
        builder.Property(d => d.UserId).HasMaxLength(200);
        builder.Property(d => d.EventType).HasMaxLength(200);
        builder.Property(d => d.RuleName).HasMaxLength(200);
        builder.Property(d => d.TemplateName).HasMaxLength(200);
        builder.Property(d => d.Channel).HasMaxLength(32);
        builder.Property(d => d.Reason).HasMaxLength(1000);
        builder.HasIndex(d => new { d.WorkspaceId, d.UserId, d.DecidedAt });
        builder.HasIndex(d => d.EventId);
        builder.HasOne<TrackedEvent>().WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SuppressionClaimConfiguration : IEntityTypeConfiguration<SuppressionClaim>
{
    public void Configure(EntityTypeBuilder<SuppressionClaim> builder)
    {
        builder.ToTable("suppression_claims");
        builder.Property(c => c.UserId).HasMaxLength(200);
        builder.Property(c => c.PeriodKey).HasMaxLength(100);

        // The suppression check itself: a second claim for the same rule, user and period cannot be inserted.
        builder.HasIndex(c => new { c.WorkspaceId, c.RuleId, c.UserId, c.PeriodKey }).IsUnique();
        builder.HasOne<Rule>().WithMany().HasForeignKey(c => c.RuleId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ClassificationCorrectionConfiguration : IEntityTypeConfiguration<Hub.Core.Intelligence.ClassificationCorrection>
{
    public void Configure(EntityTypeBuilder<Hub.Core.Intelligence.ClassificationCorrection> builder)
    {
        builder.ToTable("classification_corrections");
        builder.Property(c => c.Kind).HasMaxLength(16);
        builder.Property(c => c.Label).HasMaxLength(100);
        builder.Property(c => c.PreviousLabel).HasMaxLength(100);
        builder.HasIndex(c => new { c.WorkspaceId, c.Kind, c.CreatedAt });
    }
}
