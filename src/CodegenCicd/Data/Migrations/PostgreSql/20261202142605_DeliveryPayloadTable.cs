using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CodegenCicd.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class DeliveryPayloadTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WebhookDeliveryPayload",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDeliveryPayload", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookDeliveryPayload_WebhookDelivery_Id",
                        column: x => x.Id,
                        principalTable: "WebhookDelivery",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Every stored body moves to the new table before its column goes.
            migrationBuilder.Sql(
                "INSERT INTO \"WebhookDeliveryPayload\" (\"Id\", \"Payload\") SELECT \"Id\", \"Payload\" FROM \"WebhookDelivery\";");

            migrationBuilder.DropColumn(
                name: "Payload",
                table: "WebhookDelivery");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Payload",
                table: "WebhookDelivery",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.Sql(
                "UPDATE \"WebhookDelivery\" SET \"Payload\" = COALESCE((SELECT p.\"Payload\" FROM \"WebhookDeliveryPayload\" AS p "
                + "WHERE p.\"Id\" = \"WebhookDelivery\".\"Id\"), '');");

            migrationBuilder.DropTable(
                name: "WebhookDeliveryPayload");
        }
    }
}
