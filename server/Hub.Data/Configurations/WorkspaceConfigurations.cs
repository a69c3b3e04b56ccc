using Hub.Core.Members;
using Hub.Core.Workspaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Data.Configurations;

internal sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> builder)
    {
        builder.ToTable("workspaces");
        builder.Property(w => w.Name).HasMaxLength(200);
        builder.Property(w => w.Slug).HasMaxLength(64);
        builder.Property(w => w.TimeZone).HasMaxLength(64);
        builder.Property(w => w.ClientTokenSecret).HasMaxLength(128);
        builder.Property(w => w.BusinessHours).HasJsonConversion();
        builder.Property(w => w.IntentTeams).HasJsonConversion();
        builder.HasIndex(w => w.Slug).IsUnique();
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.Property(k => k.Name).HasMaxLength(200);
        builder.Property(k => k.Prefix).HasMaxLength(32);
        builder.Property(k => k.SecretHash).HasMaxLength(64);
        builder.Property(k => k.Role).HasMaxLength(32);
        builder.Ignore(k => k.IsActive);
        builder.HasIndex(k => k.Prefix).IsUnique();
        builder.HasIndex(k => k.WorkspaceId);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(k => k.WorkspaceId);
    }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.Property(m => m.DisplayName).HasMaxLength(200);
        builder.Property(m => m.Team).HasMaxLength(100);
        builder.HasIndex(m => m.WorkspaceId);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(m => m.WorkspaceId);
    }
}
