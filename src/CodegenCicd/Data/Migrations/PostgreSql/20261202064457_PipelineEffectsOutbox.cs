using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CodegenCicd.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class PipelineEffectsOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PipelineEffect",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunId = table.Column<long>(type: "bigint", nullable: false),
                    StageId = table.Column<long>(type: "bigint", nullable: true),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    ForStatus = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    ForAttempt = table.Column<int>(type: "integer", nullable: true),
                    DueAt = table.Column<long>(type: "bigint", nullable: false),
                    LeaseToken = table.Column<Guid>(type: "uuid", nullable: true),
                    LeaseUntil = table.Column<long>(type: "bigint", nullable: true),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PipelineEffect", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PipelineEffect_PipelineRun_RunId",
                        column: x => x.RunId,
                        principalTable: "PipelineRun",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PipelineEffect_PipelineStage_StageId",
                        column: x => x.StageId,
                        principalTable: "PipelineStage",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PipelineEffect_DueAt",
                table: "PipelineEffect",
                column: "DueAt");

            migrationBuilder.CreateIndex(
                name: "IX_PipelineEffect_RunId_Kind",
                table: "PipelineEffect",
                columns: new[] { "RunId", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_PipelineEffect_StageId",
                table: "PipelineEffect",
                column: "StageId");

            // What the dropped flags said was still to do becomes rows of the outbox, due at once.
            migrationBuilder.Sql("""
                INSERT INTO "PipelineEffect" ("RunId", "StageId", "Kind", "DueAt", "Failures", "CreatedAt")
                SELECT "RunId", "Id", 0, 0, 0, now() FROM "PipelineStage"
                WHERE "CheckRunSynced" = false AND "CheckRunId" IS NOT NULL AND "Status" <> 'Pending';
                INSERT INTO "PipelineEffect" ("RunId", "Kind", "ForStatus", "DueAt", "Failures", "CreatedAt")
                SELECT "Id", 1, "Status", 0, 0, now() FROM "PipelineRun"
                WHERE "OutcomeNotified" = false AND "Status" IN ('Succeeded', 'Failed', 'ActionRequired', 'Cancelled');
                """);

            migrationBuilder.DropColumn(
                name: "CheckRunSynced",
                table: "PipelineStage");

            migrationBuilder.DropColumn(
                name: "OutcomeNotified",
                table: "PipelineRun");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PipelineEffect");

            migrationBuilder.AddColumn<bool>(
                name: "CheckRunSynced",
                table: "PipelineStage",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "OutcomeNotified",
                table: "PipelineRun",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }
    }
}
