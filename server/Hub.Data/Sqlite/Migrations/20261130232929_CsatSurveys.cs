using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CsatSurveys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "csat_surveys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContactId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChannelType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Team = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ResolvedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    QuestionMessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AskedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Score = table.Column<int>(type: "INTEGER", nullable: true),
                    RespondedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResponseMessageId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_csat_surveys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_csat_surveys_conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_csat_surveys_ConversationId",
                table: "csat_surveys",
                column: "ConversationId");

            migrationBuilder.CreateIndex(
                name: "IX_csat_surveys_WorkspaceId_ConversationId_AskedAt",
                table: "csat_surveys",
                columns: new[] { "WorkspaceId", "ConversationId", "AskedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_csat_surveys_WorkspaceId_RespondedAt",
                table: "csat_surveys",
                columns: new[] { "WorkspaceId", "RespondedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "csat_surveys");
        }
    }
}
