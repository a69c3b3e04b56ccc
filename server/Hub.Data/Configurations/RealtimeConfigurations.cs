using Hub.Core.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Data.Configurations;

internal sealed class StoredEventConfiguration : IEntityTypeConfiguration<StoredEvent>
{
    public void Configure(EntityTypeBuilder<StoredEvent> builder)
    {
        builder.ToTable("stream_events");
        builder.Property(e => e.Stream).HasMaxLength(64);
        builder.Property(e => e.Event).HasMaxLength(64);
        builder.HasIndex(e => new { e.Stream, e.Seq }).IsUnique();
    }
}

internal sealed class StreamHeadConfiguration : IEntityTypeConfiguration<StreamHead>
{
    public void Configure(EntityTypeBuilder<StreamHead> builder)
    {
        builder.ToTable("stream_heads");
        builder.HasKey(h => h.Stream);
        builder.Property(h => h.Stream).HasMaxLength(64);
    }
}
