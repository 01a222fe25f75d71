using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CodegenCicd.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PreviewsWakeAndCluster : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DeploymentId",
                table: "PipelineRun",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreviewTokenHash",
                table: "Deployments",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedPreviewToken",
                table: "Deployments",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ClusterNodes",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    StartedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    HeartbeatAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClusterNodes", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_PreviewTokenHash",
                table: "Deployments",
                column: "PreviewTokenHash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClusterNodes");

            migrationBuilder.DropIndex(
                name: "IX_Deployments_PreviewTokenHash",
                table: "Deployments");

            migrationBuilder.DropColumn(
                name: "DeploymentId",
                table: "PipelineRun");

            migrationBuilder.DropColumn(
                name: "PreviewTokenHash",
                table: "Deployments");

            migrationBuilder.DropColumn(
                name: "ProtectedPreviewToken",
                table: "Deployments");
        }
    }
}
