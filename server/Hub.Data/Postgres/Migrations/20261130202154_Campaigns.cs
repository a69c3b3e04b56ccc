using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Campaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ScheduleTimeZone",
                table: "campaigns");

            migrationBuilder.RenameColumn(
                name: "ScheduledAt",
                table: "campaigns",
                newName: "NextRunAt");

            migrationBuilder.AddColumn<string>(
                name: "Audience",
                table: "campaigns",
                type: "text",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "Category",
                table: "campaigns",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "marketing");

            migrationBuilder.AddColumn<int>(
                name: "CurrentRun",
                table: "campaigns",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExpandedAt",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "campaigns",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Schedule",
                table: "campaigns",
                type: "text",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "Settings",
                table: "campaigns",
                type: "text",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<int>(
                name: "TotalRecipients",
                table: "campaigns",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Variants",
                table: "campaigns",
                type: "text",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.CreateTable(
                name: "campaign_recipients",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "uuid", nullable: false),
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: false),
                    Run = table.Column<int>(type: "integer", nullable: false),
                    ContactId = table.Column<Guid>(type: "uuid", nullable: false),
                    Variant = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    NotBefore = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MessageId = table.Column<Guid>(type: "uuid", nullable: true),
                    Address = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    QueuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FailedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_recipients", x => x.Id);
                    table.ForeignKey(
                        name: "FK_campaign_recipients_campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_campaign_recipients_contacts_ContactId",
                        column: x => x.ContactId,
                        principalTable: "contacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Status_NextRunAt",
                table: "campaigns",
                columns: new[] { "Status", "NextRunAt" });

            migrationBuilder.CreateIndex(
                name: "IX_campaign_recipients_CampaignId_Run_ContactId",
                table: "campaign_recipients",
                columns: new[] { "CampaignId", "Run", "ContactId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaign_recipients_CampaignId_Run_State_NotBefore",
                table: "campaign_recipients",
                columns: new[] { "CampaignId", "Run", "State", "NotBefore" });

            migrationBuilder.CreateIndex(
                name: "IX_campaign_recipients_ContactId_QueuedAt",
                table: "campaign_recipients",
                columns: new[] { "ContactId", "QueuedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_campaign_recipients_MessageId",
                table: "campaign_recipients",
                column: "MessageId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaign_recipients");

            migrationBuilder.DropIndex(
                name: "IX_campaigns_Status_NextRunAt",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "Audience",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "Category",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "CurrentRun",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "ExpandedAt",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "Schedule",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "Settings",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "TotalRecipients",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "Variants",
                table: "campaigns");

            migrationBuilder.RenameColumn(
                name: "NextRunAt",
                table: "campaigns",
                newName: "ScheduledAt");

            migrationBuilder.AddColumn<string>(
                name: "ScheduleTimeZone",
                table: "campaigns",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }
    }
}
