using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CodegenCicd.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CompressedDeliveryBodies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Payload",
                table: "WebhookDeliveryPayload",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT");

            migrationBuilder.AddColumn<byte[]>(
                name: "Body",
                table: "WebhookDeliveryPayload",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Length",
                table: "WebhookDeliveryPayload",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Body",
                table: "WebhookDeliveryPayload");

            migrationBuilder.DropColumn(
                name: "Length",
                table: "WebhookDeliveryPayload");

            migrationBuilder.AlterColumn<string>(
                name: "Payload",
                table: "WebhookDeliveryPayload",
                type: "TEXT",
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
