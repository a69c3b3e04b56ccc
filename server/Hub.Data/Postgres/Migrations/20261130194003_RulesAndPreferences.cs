using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Data.Postgres.Migrations
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

            migrationBuilder.AlterColumn<string>(
                name: "Suppression",
                table: "rules",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            migrationBuilder.AddColumn<bool>(
                name: "Continue",
                table: "rules",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "rules",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AcknowledgedAt",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeliverAfter",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FallbackDueAt",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "FallbackMessageId",
                table: "notifications",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FallbackOutcome",
                table: "notifications",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClientEventId",
                table: "events",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ContactId",
                table: "events",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "EvaluatedAt",
                table: "events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Evaluation",
                table: "events",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "EvaluationAttempts",
                table: "events",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeasedUntil",
                table: "events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Traits",
                table: "events",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<string>(
                name: "Outcome",
                table: "decisions",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(16)",
                oldMaxLength: 16);

            migrationBuilder.AddColumn<string>(
                name: "ActionType",
                table: "decisions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "decisions",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ContactId",
                table: "decisions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "EventOccurredAt",
                table: "decisions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<string>(
                name: "EventType",
                table: "decisions",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "NotificationId",
                table: "decisions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RuleName",
                table: "decisions",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ScheduledFor",
                table: "decisions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TemplateName",
                table: "decisions",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "notification_preferences",
                columns: table => new
                {
                    ContactId = table.Column<Guid>(type: "uuid", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "uuid", nullable: false),
                    EmailEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    SmsEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    PushEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    WhatsAppEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    Categories = table.Column<string>(type: "text", nullable: false),
                    QuietHoursEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    QuietHoursStart = table.Column<TimeOnly>(type: "time without time zone", nullable: true),
                    QuietHoursEnd = table.Column<TimeOnly>(type: "time without time zone", nullable: true),
                    Channels = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "uuid", nullable: false),
                    RuleId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PeriodKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    EventId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClaimedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

            migrationBuilder.AlterColumn<string>(
                name: "Suppression",
                table: "rules",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AlterColumn<string>(
                name: "Outcome",
                table: "decisions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(32)",
                oldMaxLength: 32);

            migrationBuilder.CreateIndex(
                name: "IX_events_WorkspaceId_UserId_OccurredAt",
                table: "events",
                columns: new[] { "WorkspaceId", "UserId", "OccurredAt" });
        }
    }
}
