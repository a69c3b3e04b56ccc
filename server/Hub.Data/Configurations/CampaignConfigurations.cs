using Hub.Core.Campaigns;
using Hub.Core.Notifications;
using Hub.Core.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Data.Configurations;

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.ToTable("campaigns");
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.SubjectLine).HasMaxLength(998);
        builder.Property(c => c.SenderName).HasMaxLength(200);
        builder.Property(c => c.SenderEmail).HasMaxLength(320);
        builder.Property(c => c.Category).HasMaxLength(100);
        builder.Property(c => c.LastError).HasMaxLength(2000);
        builder.Property(c => c.Metadata).HasJsonConversion();
        builder.Property(c => c.Audience).HasJsonConversion();
        builder.Property(c => c.Settings).HasJsonConversion();
        builder.Property(c => c.Schedule).HasJsonConversion();
        builder.Property(c => c.Variants).HasJsonConversion();
        builder.Property(c => c.Channels).HasJsonConversion();
        builder.Property(c => c.AbTest).HasJsonConversion();
        builder.HasIndex(c => new { c.WorkspaceId, c.Status });
        builder.HasIndex(c => new { c.Status, c.NextRunAt });
        builder.HasOne<Template>().WithMany().HasForeignKey(c => c.TemplateId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class TemplateConfiguration : IEntityTypeConfiguration<Template>
{
    public void Configure(EntityTypeBuilder<Template> builder)
    {
        builder.ToTable("templates");
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.Property(t => t.Subject).HasMaxLength(998);
        builder.Property(t => t.Category).HasMaxLength(100);
        builder.Property(t => t.Localizations).HasJsonConversion();
        builder.HasIndex(t => new { t.WorkspaceId, t.Name });
    }
}

internal sealed class SegmentConfiguration : IEntityTypeConfiguration<Segment>
{
    public void Configure(EntityTypeBuilder<Segment> builder)
    {
        builder.ToTable("segments");
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.Filter).HasJsonConversion();
        builder.HasIndex(s => new { s.WorkspaceId, s.Name });
    }
}

internal sealed class CampaignRecipientConfiguration : IEntityTypeConfiguration<CampaignRecipient>
{
    public void Configure(EntityTypeBuilder<CampaignRecipient> builder)
    {
        builder.ToTable("campaign_recipients");
        builder.Property(r => r.Variant).HasMaxLength(100);
        builder.Property(r => r.Reason).HasMaxLength(64);
        builder.Property(r => r.Detail).HasMaxLength(1000);
        builder.Property(r => r.Address).HasMaxLength(320);
        // The ledger's promise: one line per contact per run, whoever writes it and however often.
        builder.HasIndex(r => new { r.CampaignId, r.Run, r.ContactId }).IsUnique();
        builder.HasIndex(r => new { r.CampaignId, r.Run, r.State, r.NotBefore });
        builder.HasIndex(r => r.MessageId);
        builder.HasIndex(r => new { r.ContactId, r.QueuedAt });
        builder.HasOne<Campaign>().WithMany().HasForeignKey(r => r.CampaignId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Contact>().WithMany().HasForeignKey(r => r.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationPreferencesConfiguration : IEntityTypeConfiguration<NotificationPreferences>
{
    public void Configure(EntityTypeBuilder<NotificationPreferences> builder)
    {
        builder.ToTable("notification_preferences");
        builder.HasKey(p => p.ContactId);
        builder.Property(p => p.Categories).HasJsonConversion();
        builder.Property(p => p.Channels).HasJsonConversion();
        builder.HasOne<Contact>().WithOne().HasForeignKey<NotificationPreferences>(p => p.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.Property(n => n.Title).HasMaxLength(500);
        builder.Property(n => n.Category).HasMaxLength(100);
        builder.Property(n => n.Data).HasJsonConversion();
        builder.Property(n => n.FallbackOutcome).HasMaxLength(100);
        builder.HasIndex(n => new { n.WorkspaceId, n.ContactId, n.CreatedAt });
        builder.HasIndex(n => n.FallbackDueAt);
        builder.HasIndex(n => n.DeliverAfter);
        builder.HasOne<Contact>().WithMany().HasForeignKey(n => n.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}
