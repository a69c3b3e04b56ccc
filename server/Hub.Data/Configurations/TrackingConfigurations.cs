using Hub.Core.Campaigns;
using Hub.Core.Inbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Data.Configurations;

internal sealed class TrackingHitConfiguration : IEntityTypeConfiguration<TrackingHit>
{
    public void Configure(EntityTypeBuilder<TrackingHit> builder)
    {
        builder.ToTable("tracking_hits");
        builder.Property(h => h.Url).HasMaxLength(2048);
        builder.Property(h => h.IpAddress).HasMaxLength(64);
        builder.Property(h => h.UserAgent).HasMaxLength(512);
        builder.Property(h => h.Reason).HasMaxLength(64);
        // Stats read by campaign or by message, split by kind and classification.
        builder.HasIndex(h => new { h.WorkspaceId, h.CampaignId, h.Kind, h.Classification });
        builder.HasIndex(h => new { h.MessageId, h.Kind, h.OccurredAt });
        builder.HasOne<Message>().WithMany().HasForeignKey(h => h.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
