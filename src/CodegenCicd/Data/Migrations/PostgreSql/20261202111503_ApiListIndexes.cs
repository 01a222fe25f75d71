using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CodegenCicd.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ApiListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_PipelineRun_OpenPullRequests",
                table: "PipelineRun",
                columns: new[] { "ProjectId", "PullRequest" },
                filter: "\"PullRequestClosedAt\" IS NULL AND \"MergedSha\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PipelineRun_ProjectId_Id",
                table: "PipelineRun",
                columns: new[] { "ProjectId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PipelineRun_PullRequest_Id",
                table: "PipelineRun",
                columns: new[] { "PullRequest", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PipelineRun_OpenPullRequests",
                table: "PipelineRun");

            migrationBuilder.DropIndex(
                name: "IX_PipelineRun_ProjectId_Id",
                table: "PipelineRun");

            migrationBuilder.DropIndex(
                name: "IX_PipelineRun_PullRequest_Id",
                table: "PipelineRun");
        }
    }
}
