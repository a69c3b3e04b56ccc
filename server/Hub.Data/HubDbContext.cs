using System.Linq.Expressions;
using Hub.Core.Analytics;
using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Core.Members;
using Hub.Core.Notifications;
using Hub.Core.Realtime;
using Hub.Core.Rules;
using Hub.Core.Webhooks;
using Hub.Core.Workspaces;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Hub.Data;

/// <summary>
/// The one database of Hub. Every workspace-owned row is filtered to the current workspace, so a query
/// can't see another tenant's rows unless it says <c>IgnoreQueryFilters()</c> on purpose.
/// Provider-specific subclasses (<see cref="Sqlite.SqliteHubDbContext"/>, <see cref="Postgres.PostgresHubDbContext"/>)
/// own their migrations.
/// </summary>
public abstract class HubDbContext(DbContextOptions options, IWorkspaceContext workspace)
    : IdentityDbContext<Member, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>The workspace the filters let through; <c>null</c> lets nothing through.</summary>
    public Guid? CurrentWorkspaceId => workspace.WorkspaceId;

    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ContactIdentity> ContactIdentities => Set<ContactIdentity>();
    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<Template> Templates => Set<Template>();
    public DbSet<Segment> Segments => Set<Segment>();
    public DbSet<TrackingHit> TrackingHits => Set<TrackingHit>();
    public DbSet<CampaignRecipient> CampaignRecipients => Set<CampaignRecipient>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<TrackedEvent> Events => Set<TrackedEvent>();
    public DbSet<Rule> Rules => Set<Rule>();
    public DbSet<Decision> Decisions => Set<Decision>();
    public DbSet<SuppressionClaim> SuppressionClaims => Set<SuppressionClaim>();
    public DbSet<NotificationPreferences> NotificationPreferences => Set<NotificationPreferences>();
    public DbSet<StoredEvent> StoredEvents => Set<StoredEvent>();
    public DbSet<StreamHead> StreamHeads => Set<StreamHead>();
    public DbSet<ChannelState> ChannelStates => Set<ChannelState>();
    public DbSet<OutboxEntry> Outbox => Set<OutboxEntry>();
    public DbSet<CannedResponse> CannedResponses => Set<CannedResponse>();
    public DbSet<SlaPolicy> SlaPolicies => Set<SlaPolicy>();
    public DbSet<CsatSurvey> CsatSurveys => Set<CsatSurvey>();
    public DbSet<Suppression> Suppressions => Set<Suppression>();
    public DbSet<AnalyticsEvent> AnalyticsEvents => Set<AnalyticsEvent>();
    public DbSet<AnalyticsRollup> AnalyticsRollups => Set<AnalyticsRollup>();
    public DbSet<AnalyticsBucketUser> AnalyticsBucketUsers => Set<AnalyticsBucketUser>();
    public DbSet<AlertRule> AlertRules => Set<AlertRule>();
    public DbSet<AlertEvent> AlertEvents => Set<AlertEvent>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<Hub.Core.Intelligence.ClassificationCorrection> ClassificationCorrections => Set<Hub.Core.Intelligence.ClassificationCorrection>();

    /// <summary>Cookie and antiforgery keys, shared by every node that uses this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<Member>().ToTable("members");
        builder.Entity<IdentityRole<Guid>>().ToTable("roles");
        builder.Entity<IdentityUserRole<Guid>>().ToTable("member_roles");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("member_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("member_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("member_tokens");
        builder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        builder.ApplyConfigurationsFromAssembly(typeof(HubDbContext).Assembly);

        foreach (var entity in builder.Model.GetEntityTypes())
        {
            // Members sign in before a workspace is known (Identity queries them by name), so they are
            // scoped explicitly by the members API instead of by a filter.
            if (typeof(IWorkspaceOwned).IsAssignableFrom(entity.ClrType) && entity.ClrType != typeof(Member))
            {
                entity.SetQueryFilter(WorkspaceFilter(entity.ClrType));
            }
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Enums are stored by name: readable in SQL and safe when members are reordered.
        configurationBuilder.Properties<ChannelType>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ChannelHealth>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ConversationStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Priority>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<MessageDirection>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<MessageStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<SenderType>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CampaignType>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CampaignStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<TrackingHitKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<HitClassification>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<RecipientState>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<NotificationPriority>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<DecisionOutcome>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<RuleActionType>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<EventEvaluation>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<MemberAvailability>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<WebhookDeliveryState>().HaveConversion<string>().HaveMaxLength(16);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampWorkspace();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampWorkspace();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// New rows take the current workspace; a row of another workspace can't be written while one is
    /// current. Jobs that work across workspaces run with no current workspace and set it themselves.
    /// </summary>
    private void StampWorkspace()
    {
        var current = CurrentWorkspaceId;
        foreach (var entry in ChangeTracker.Entries<IWorkspaceOwned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.WorkspaceId == Guid.Empty)
            {
                entry.Entity.WorkspaceId = current
                    ?? throw new InvalidOperationException($"A new {entry.Entity.GetType().Name} needs a workspace, and none is current.");
            }

            if (current is { } id && entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && entry.Entity.WorkspaceId != id)
            {
                throw new InvalidOperationException($"A {entry.Entity.GetType().Name} of another workspace can't be written from this one.");
            }
        }
    }

    private LambdaExpression WorkspaceFilter(Type clrType)
    {
        // e => e.WorkspaceId == this.CurrentWorkspaceId  (EF re-reads the property on every query)
        var e = Expression.Parameter(clrType, "e");
        var rowWorkspace = Expression.Convert(Expression.Property(e, nameof(IWorkspaceOwned.WorkspaceId)), typeof(Guid?));
        var current = Expression.Property(Expression.Constant(this), nameof(CurrentWorkspaceId));
        return Expression.Lambda(Expression.Equal(rowWorkspace, current), e);
    }
}
