using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class WorkspaceSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_sla_policies_WorkspaceId_Priority",
                table: "sla_policies");

            migrationBuilder.AddColumn<bool>(
                name: "AutoAssign",
                table: "workspaces",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "BusinessHours",
                table: "workspaces",
                type: "text",
                nullable: false,
                defaultValue: "{\"days\":[]}");

            migrationBuilder.AddColumn<string>(
                name: "IntentTeams",
                table: "workspaces",
                type: "text",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<bool>(
                name: "BusinessHoursOnly",
                table: "sla_policies",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "ChannelId",
                table: "sla_policies",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Team",
                table: "sla_policies",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Team",
                table: "canned_responses",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_sla_policies_WorkspaceId_Priority",
                table: "sla_policies",
                columns: new[] { "WorkspaceId", "Priority" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_sla_policies_WorkspaceId_Priority",
                table: "sla_policies");

            migrationBuilder.DropColumn(
                name: "AutoAssign",
                table: "workspaces");

            migrationBuilder.DropColumn(
                name: "BusinessHours",
                table: "workspaces");

            migrationBuilder.DropColumn(
                name: "IntentTeams",
                table: "workspaces");

            migrationBuilder.DropColumn(
                name: "BusinessHoursOnly",
                table: "sla_policies");

            migrationBuilder.DropColumn(
                name: "ChannelId",
                table: "sla_policies");

            migrationBuilder.DropColumn(
                name: "Team",
                table: "sla_policies");

            migrationBuilder.DropColumn(
                name: "Team",
                table: "canned_responses");

            migrationBuilder.CreateIndex(
                name: "IX_sla_policies_WorkspaceId_Priority",
                table: "sla_policies",
                columns: new[] { "WorkspaceId", "Priority" },
                unique: true);
        }
    }
}
