using Hub.Core.Contacts;
using Hub.Core.Workspaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Data.Configurations;

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> builder)
    {
        builder.ToTable("contacts");
        builder.Property(c => c.ExternalId).HasMaxLength(200);
        builder.Property(c => c.FirstName).HasMaxLength(200);
        builder.Property(c => c.LastName).HasMaxLength(200);
        builder.Property(c => c.Email).HasMaxLength(320);
        builder.Property(c => c.Phone).HasMaxLength(32);
        builder.Property(c => c.TimeZone).HasMaxLength(64);
        builder.Property(c => c.Language).HasMaxLength(35);
        builder.Property(c => c.MainDeviceId).HasMaxLength(200);
        builder.Property(c => c.Attributes).HasJsonConversion();
        builder.Ignore(c => c.DisplayName);
        builder.HasIndex(c => new { c.WorkspaceId, c.ExternalId }).IsUnique().HasFilter("\"ExternalId\" IS NOT NULL");
        builder.HasIndex(c => new { c.WorkspaceId, c.Email });
        builder.HasIndex(c => new { c.WorkspaceId, c.Phone });
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId);
    }
}

internal sealed class ContactIdentityConfiguration : IEntityTypeConfiguration<ContactIdentity>
{
    public void Configure(EntityTypeBuilder<ContactIdentity> builder)
    {
        builder.ToTable("contact_identities");
        builder.Property(i => i.Address).HasMaxLength(320);
        builder.HasIndex(i => new { i.WorkspaceId, i.ChannelType, i.Address }).IsUnique();
        builder.HasOne<Contact>().WithMany().HasForeignKey(i => i.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}
