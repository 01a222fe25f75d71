using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CodegenCicd.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ZstandardDeliveryBodies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Compression",
                table: "WebhookDeliveryPayload",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Bodies written as Zstandard stay so: the older version reads every body as Brotli and reports these
            // as damaged if they are run again. Compressing them again cannot be done in SQL.
            migrationBuilder.DropColumn(
                name: "Compression",
                table: "WebhookDeliveryPayload");
        }
    }
}
