using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Data.Configurations;

internal sealed class OutboxEntryConfiguration : IEntityTypeConfiguration<OutboxEntry>
{
    public void Configure(EntityTypeBuilder<OutboxEntry> builder)
    {
        builder.ToTable("outbox");
        builder.Property(o => o.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.LockedBy).HasMaxLength(100);
        builder.Property(o => o.LastError).HasMaxLength(2000);
        builder.Property(o => o.ProviderMessageId).HasMaxLength(500);
        builder.HasIndex(o => o.MessageId).IsUnique();
        builder.HasIndex(o => new { o.State, o.NextAttemptAt });
        builder.HasOne<Message>().WithMany().HasForeignKey(o => o.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CannedResponseConfiguration : IEntityTypeConfiguration<CannedResponse>
{
    public void Configure(EntityTypeBuilder<CannedResponse> builder)
    {
        builder.ToTable("canned_responses");
        builder.Property(c => c.ShortCode).HasMaxLength(64);
        builder.Property(c => c.Content).HasMaxLength(10_000);
        builder.Property(c => c.Team).HasMaxLength(100);
        builder.HasIndex(c => new { c.WorkspaceId, c.ShortCode }).IsUnique();
    }
}

internal sealed class SlaPolicyConfiguration : IEntityTypeConfiguration<SlaPolicy>
{
    public void Configure(EntityTypeBuilder<SlaPolicy> builder)
    {
        builder.ToTable("sla_policies");
        builder.Property(p => p.Team).HasMaxLength(100);
        builder.Ignore(p => p.Specificity);
        // One policy per priority and scope; the API checks it (a unique index treats "any team" NULLs as distinct).
        builder.HasIndex(p => new { p.WorkspaceId, p.Priority });
    }
}

internal sealed class SuppressionConfiguration : IEntityTypeConfiguration<Suppression>
{
    public void Configure(EntityTypeBuilder<Suppression> builder)
    {
        builder.ToTable("suppressions");
        builder.Property(s => s.Address).HasMaxLength(320);
        builder.Property(s => s.Reason).HasMaxLength(500);
        builder.HasIndex(s => new { s.WorkspaceId, s.Channel, s.Address }).IsUnique();
    }
}
