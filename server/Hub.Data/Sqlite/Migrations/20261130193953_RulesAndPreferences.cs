using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RulesAndPreferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_events_WorkspaceId_UserId_OccurredAt",
                table: "events");

            migrationBuilder.AddColumn<bool>(
                name: "Continue",
                table: "rules",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "rules",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AcknowledgedAt",
                table: "notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DeliverAfter",
                table: "notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FallbackDueAt",
                table: "notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "FallbackMessageId",
                table: "notifications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FallbackOutcome",
                table: "notifications",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClientEventId",
                table: "events",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ContactId",
                table: "events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "EvaluatedAt",
                table: "events",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Evaluation",
                table: "events",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "EvaluationAttempts",
                table: "events",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "LeasedUntil",
                table: "events",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Traits",
                table: "events",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ActionType",
                table: "decisions",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "decisions",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ContactId",
                table: "decisions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "EventOccurredAt",
                table: "decisions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "EventType",
                table: "decisions",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "NotificationId",
                table: "decisions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RuleName",
                table: "decisions",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ScheduledFor",
                table: "decisions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TemplateName",
                table: "decisions",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "notification_preferences",
                columns: table => new
                {
                    ContactId = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EmailEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    SmsEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    PushEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    WhatsAppEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Categories = table.Column<string>(type: "TEXT", nullable: false),
                    QuietHoursEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    QuietHoursStart = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    QuietHoursEnd = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    Channels = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_preferences", x => x.ContactId);
                    table.ForeignKey(
                        name: "FK_notification_preferences_contacts_ContactId",
                        column: x => x.ContactId,
                        principalTable: "contacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "suppression_claims",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RuleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PeriodKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClaimedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_suppression_claims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_suppression_claims_rules_RuleId",
                        column: x => x.RuleId,
                        principalTable: "rules",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_rules_WorkspaceId_Name",
                table: "rules",
                columns: new[] { "WorkspaceId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_notifications_DeliverAfter",
                table: "notifications",
                column: "DeliverAfter");

            migrationBuilder.CreateIndex(
                name: "IX_notifications_FallbackDueAt",
                table: "notifications",
                column: "FallbackDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_events_Evaluation_ReceivedAt",
                table: "events",
                columns: new[] { "Evaluation", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_events_WorkspaceId_ClientEventId",
                table: "events",
                columns: new[] { "WorkspaceId", "ClientEventId" },
                unique: true,
                filter: "\"ClientEventId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_events_WorkspaceId_UserId_EventType_OccurredAt",
                table: "events",
                columns: new[] { "WorkspaceId", "UserId", "EventType", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_suppression_claims_RuleId",
                table: "suppression_claims",
                column: "RuleId");

            migrationBuilder.CreateIndex(
                name: "IX_suppression_claims_WorkspaceId_RuleId_UserId_PeriodKey",
                table: "suppression_claims",
                columns: new[] { "WorkspaceId", "RuleId", "UserId", "PeriodKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notification_preferences");

            migrationBuilder.DropTable(
                name: "suppression_claims");

            migrationBuilder.DropIndex(
                name: "IX_rules_WorkspaceId_Name",
                table: "rules");

            migrationBuilder.DropIndex(
                name: "IX_notifications_DeliverAfter",
                table: "notifications");

            migrationBuilder.DropIndex(
                name: "IX_notifications_FallbackDueAt",
                table: "notifications");

            migrationBuilder.DropIndex(
                name: "IX_events_Evaluation_ReceivedAt",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_WorkspaceId_ClientEventId",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_events_WorkspaceId_UserId_EventType_OccurredAt",
                table: "events");

            migrationBuilder.DropColumn(
                name: "Continue",
                table: "rules");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "rules");

            migrationBuilder.DropColumn(
                name: "AcknowledgedAt",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "DeliverAfter",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "FallbackDueAt",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "FallbackMessageId",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "FallbackOutcome",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "ClientEventId",
                table: "events");

            migrationBuilder.DropColumn(
                name: "ContactId",
                table: "events");

            migrationBuilder.DropColumn(
                name: "EvaluatedAt",
                table: "events");

            migrationBuilder.DropColumn(
                name: "Evaluation",
                table: "events");

            migrationBuilder.DropColumn(
                name: "EvaluationAttempts",
                table: "events");

            migrationBuilder.DropColumn(
                name: "LeasedUntil",
                table: "events");

            migrationBuilder.DropColumn(
                name: "Traits",
                table: "events");

            migrationBuilder.DropColumn(
                name: "ActionType",
                table: "decisions");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "decisions");

            migrationBuilder.DropColumn(
                name: "ContactId",
                table: "decisions");

            migrationBuilder.DropColumn(
                name: "EventOccurredAt",
                table: "decisions");

            migrationBuilder.DropColumn(
                name: "EventType",
                table: "decisions");

            migrationBuilder.DropColumn(
                name: "NotificationId",
                table: "decisions");

            migrationBuilder.DropColumn(
                name: "RuleName",
                table: "decisions");

            migrationBuilder.DropColumn(
                name: "ScheduledFor",
                table: "decisions");

            migrationBuilder.DropColumn(
                name: "TemplateName",
                table: "decisions");

            migrationBuilder.CreateIndex(
                name: "IX_events_WorkspaceId_UserId_OccurredAt",
                table: "events",
                columns: new[] { "WorkspaceId", "UserId", "OccurredAt" });
        }
    }
}
