using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CodegenCicd.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class DeliveryClaimIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookDelivery_Status",
                table: "WebhookDelivery");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDelivery_Status_Id_RepositoryFullName",
                table: "WebhookDelivery",
                columns: new[] { "Status", "Id", "RepositoryFullName" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookDelivery_Status_Id_RepositoryFullName",
                table: "WebhookDelivery");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDelivery_Status",
                table: "WebhookDelivery",
                column: "Status");
        }
    }
}
