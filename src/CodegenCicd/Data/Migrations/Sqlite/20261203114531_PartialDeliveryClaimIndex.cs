using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CodegenCicd.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartialDeliveryClaimIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookDelivery_Status_Id_RepositoryFullName",
                table: "WebhookDelivery");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDelivery_Status_Id_RepositoryFullName",
                table: "WebhookDelivery",
                columns: new[] { "Status", "Id", "RepositoryFullName" },
                filter: "\"Status\" = 'Received' OR \"Status\" = 'Processing'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookDelivery_Status_Id_RepositoryFullName",
                table: "WebhookDelivery");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDelivery_Status_Id_RepositoryFullName",
                table: "WebhookDelivery",
                columns: new[] { "Status", "Id", "RepositoryFullName" });
        }
    }
}
