using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Inbox;
using Hub.Core.Members;
using Hub.Core.Workspaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Data.Configurations;

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> builder)
    {
        builder.ToTable("channels");
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Provider).HasMaxLength(32);
        builder.Property(c => c.Address).HasMaxLength(320);
        builder.Property(c => c.Settings).HasJsonConversion();
        builder.HasIndex(c => new { c.WorkspaceId, c.Type });
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId);
    }
}

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("conversations");
        builder.Property(c => c.Team).HasMaxLength(100);
        builder.Property(c => c.Subject).HasMaxLength(998);
        builder.Property(c => c.ThreadKey).HasMaxLength(500);
        builder.HasIndex(c => new { c.WorkspaceId, c.Status, c.LastMessageAt });
        builder.HasIndex(c => new { c.WorkspaceId, c.AssigneeId, c.Status });
        builder.HasIndex(c => new { c.WorkspaceId, c.ContactId });
        builder.HasIndex(c => new { c.WorkspaceId, c.ChannelType, c.ThreadKey });
        builder.HasIndex(c => new { c.Status, c.FirstResponseDueAt });
        builder.HasIndex(c => new { c.Status, c.ResolutionDueAt });
        builder.HasOne<Contact>().WithMany().HasForeignKey(c => c.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Channel>().WithMany().HasForeignKey(c => c.ChannelId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Member>().WithMany().HasForeignKey(c => c.AssigneeId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("messages");
        builder.Property(m => m.SenderId).HasMaxLength(200);
        builder.Property(m => m.SentimentLabel).HasMaxLength(16);
        builder.Property(m => m.Intent).HasMaxLength(100);
        builder.Property(m => m.ExternalId).HasMaxLength(500);
        builder.Property(m => m.IdempotencyKey).HasMaxLength(200);
        builder.Property(m => m.Attachments).HasJsonConversion();
        builder.Property(m => m.Metadata).HasJsonConversion();
        builder.Property(m => m.Address).HasMaxLength(320);
        builder.Property(m => m.Subject).HasMaxLength(998);
        builder.HasIndex(m => new { m.ConversationId, m.CreatedAt });
        builder.HasIndex(m => new { m.WorkspaceId, m.ExternalId });
        builder.HasIndex(m => new { m.WorkspaceId, m.IdempotencyKey }).IsUnique().HasFilter("\"IdempotencyKey\" IS NOT NULL");
        builder.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CsatSurveyConfiguration : IEntityTypeConfiguration<CsatSurvey>
{
    public void Configure(EntityTypeBuilder<CsatSurvey> builder)
    {
        builder.ToTable("csat_surveys");
        builder.Property(s => s.Team).HasMaxLength(100);
        builder.HasIndex(s => new { s.WorkspaceId, s.ConversationId, s.AskedAt });
        builder.HasIndex(s => new { s.WorkspaceId, s.RespondedAt });
        builder.HasOne<Conversation>().WithMany().HasForeignKey(s => s.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}
