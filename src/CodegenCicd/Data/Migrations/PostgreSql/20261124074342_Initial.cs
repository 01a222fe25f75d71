using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CodegenCicd.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AdminAccount",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    PasswordHash = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    SetupCodeHash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    SetupCodeIssuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PasswordChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdminAccount", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Deployments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Repository = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PullRequest = table.Column<int>(type: "integer", nullable: false),
                    HeadSha = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Port = table.Column<int>(type: "integer", nullable: false),
                    ProcessId = table.Column<int>(type: "integer", nullable: false),
                    Workspace = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    SnapshotId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    StopReason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StoppedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Deployments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "GitHubAppCredentials",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    AppId = table.Column<long>(type: "bigint", nullable: false),
                    Slug = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    HtmlUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ProtectedClientSecret = table.Column<string>(type: "text", nullable: true),
                    ProtectedWebhookSecret = table.Column<string>(type: "text", nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GitHubAppCredentials", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Installations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false),
                    AccountLogin = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AccountType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    RepositorySelection = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    HtmlUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    IsSuspended = table.Column<bool>(type: "boolean", nullable: false),
                    IsDeleted = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Installations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Project",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    GitHubRepositoryId = table.Column<long>(type: "bigint", nullable: false),
                    FullName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DefaultBranch = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    InstallationId = table.Column<long>(type: "bigint", nullable: true),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    IsPinned = table.Column<bool>(type: "boolean", nullable: false),
                    IsPrivate = table.Column<bool>(type: "boolean", nullable: false),
                    Settings = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Project", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDelivery",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DeliveryId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Event = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    InstallationId = table.Column<long>(type: "bigint", nullable: true),
                    RepositoryFullName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    HookId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ProcessingMilliseconds = table.Column<int>(type: "integer", nullable: true),
                    Error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDelivery", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AgentRun",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProjectId = table.Column<int>(type: "integer", nullable: false),
                    Target = table.Column<string>(type: "text", nullable: false),
                    PlanningStatement = table.Column<string>(type: "text", nullable: false),
                    Prompt = table.Column<string>(type: "text", nullable: false),
                    AutoConfirm = table.Column<bool>(type: "boolean", nullable: false),
                    CodegenRunId = table.Column<long>(type: "bigint", nullable: true),
                    WebUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CodegenStatus = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Plan = table.Column<string>(type: "text", nullable: true),
                    Result = table.Column<string>(type: "text", nullable: true),
                    Error = table.Column<string>(type: "text", nullable: true),
                    Iterations = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StatusChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastPolledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    NextPollAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResumedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResultBeforeResume = table.Column<string>(type: "text", nullable: true),
                    SeenWorkingSinceResume = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentRun", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgentRun_Project_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Project",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PipelineRun",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProjectId = table.Column<int>(type: "integer", nullable: false),
                    Repository = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PullRequest = table.Column<int>(type: "integer", nullable: false),
                    HeadSha = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    HeadBranch = table.Column<string>(type: "text", nullable: false),
                    BaseBranch = table.Column<string>(type: "text", nullable: false),
                    PullRequestUrl = table.Column<string>(type: "text", nullable: true),
                    PullRequestTitle = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CloneUrl = table.Column<string>(type: "text", nullable: false),
                    InstallationId = table.Column<long>(type: "bigint", nullable: true),
                    FromFork = table.Column<bool>(type: "boolean", nullable: false),
                    Trigger = table.Column<string>(type: "text", nullable: false),
                    DeliveryId = table.Column<string>(type: "text", nullable: true),
                    ActiveKey = table.Column<string>(type: "text", nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ConfigJson = table.Column<string>(type: "text", nullable: true),
                    ConfigWarnings = table.Column<string>(type: "text", nullable: true),
                    BaseConfigError = table.Column<string>(type: "text", nullable: true),
                    PullRequestClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DeploymentUrl = table.Column<string>(type: "text", nullable: true),
                    PreviewPath = table.Column<string>(type: "text", nullable: true),
                    StatusReason = table.Column<string>(type: "text", nullable: true),
                    MergeAttemptSha = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    MergedSha = table.Column<string>(type: "text", nullable: true),
                    MergeRequested = table.Column<bool>(type: "boolean", nullable: false),
                    CommentDigest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CommentId = table.Column<long>(type: "bigint", nullable: true),
                    OutcomeNotified = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PipelineRun", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PipelineRun_Project_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Project",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProjectSecret",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProjectId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ProtectedValue = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProjectSecret", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProjectSecret_Project_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Project",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AgentRunEvent",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AgentRunId = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CodegenStatus = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Note = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentRunEvent", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgentRunEvent_AgentRun_AgentRunId",
                        column: x => x.AgentRunId,
                        principalTable: "AgentRun",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AgentRunIteration",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AgentRunId = table.Column<int>(type: "integer", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    PipelineRunId = table.Column<long>(type: "bigint", nullable: false),
                    PullRequestUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    HeadSha = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Report = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LimitReached = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentRunIteration", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgentRunIteration_AgentRun_AgentRunId",
                        column: x => x.AgentRunId,
                        principalTable: "AgentRun",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AgentRunPullRequest",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AgentRunId = table.Column<int>(type: "integer", nullable: false),
                    Url = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Title = table.Column<string>(type: "text", nullable: true),
                    HeadBranch = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    CodegenPullRequestId = table.Column<long>(type: "bigint", nullable: true),
                    LinkedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastPipelineConclusion = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    LastPipelineRunId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentRunPullRequest", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgentRunPullRequest_AgentRun_AgentRunId",
                        column: x => x.AgentRunId,
                        principalTable: "AgentRun",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PipelineStage",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Conclusion = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Attempt = table.Column<int>(type: "integer", nullable: false),
                    InfrastructureFailures = table.Column<int>(type: "integer", nullable: false),
                    CheckRunId = table.Column<long>(type: "bigint", nullable: true),
                    CheckRunSynced = table.Column<bool>(type: "boolean", nullable: false),
                    SyncedDigest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Title = table.Column<string>(type: "text", nullable: true),
                    Summary = table.Column<string>(type: "text", nullable: true),
                    Log = table.Column<string>(type: "text", nullable: true),
                    AnnotationsJson = table.Column<string>(type: "text", nullable: true),
                    ReportPath = table.Column<string>(type: "text", nullable: true),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    HeartbeatAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PipelineStage", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PipelineStage_PipelineRun_RunId",
                        column: x => x.RunId,
                        principalTable: "PipelineRun",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AgentRun_CodegenRunId",
                table: "AgentRun",
                column: "CodegenRunId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentRun_ProjectId",
                table: "AgentRun",
                column: "ProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentRun_Status_NextPollAt",
                table: "AgentRun",
                columns: new[] { "Status", "NextPollAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AgentRunEvent_AgentRunId_At",
                table: "AgentRunEvent",
                columns: new[] { "AgentRunId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AgentRunIteration_AgentRunId_PipelineRunId",
                table: "AgentRunIteration",
                columns: new[] { "AgentRunId", "PipelineRunId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AgentRunPullRequest_AgentRunId_Url",
                table: "AgentRunPullRequest",
                columns: new[] { "AgentRunId", "Url" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AgentRunPullRequest_HeadBranch",
                table: "AgentRunPullRequest",
                column: "HeadBranch");

            migrationBuilder.CreateIndex(
                name: "IX_AgentRunPullRequest_Url",
                table: "AgentRunPullRequest",
                column: "Url");

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_Host_State",
                table: "Deployments",
                columns: new[] { "Host", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_Repository_PullRequest",
                table: "Deployments",
                columns: new[] { "Repository", "PullRequest" });

            migrationBuilder.CreateIndex(
                name: "IX_PipelineRun_ActiveKey",
                table: "PipelineRun",
                column: "ActiveKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PipelineRun_DeliveryId",
                table: "PipelineRun",
                column: "DeliveryId");

            migrationBuilder.CreateIndex(
                name: "IX_PipelineRun_ProjectId_PullRequest",
                table: "PipelineRun",
                columns: new[] { "ProjectId", "PullRequest" });

            migrationBuilder.CreateIndex(
                name: "IX_PipelineRun_Status",
                table: "PipelineRun",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_PipelineStage_CheckRunId",
                table: "PipelineStage",
                column: "CheckRunId");

            migrationBuilder.CreateIndex(
                name: "IX_PipelineStage_RunId_Kind",
                table: "PipelineStage",
                columns: new[] { "RunId", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PipelineStage_Status",
                table: "PipelineStage",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_Project_FullName",
                table: "Project",
                column: "FullName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Project_GitHubRepositoryId",
                table: "Project",
                column: "GitHubRepositoryId");

            migrationBuilder.CreateIndex(
                name: "IX_ProjectSecret_ProjectId_Name",
                table: "ProjectSecret",
                columns: new[] { "ProjectId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDelivery_DeliveryId",
                table: "WebhookDelivery",
                column: "DeliveryId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDelivery_Status",
                table: "WebhookDelivery",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AdminAccount");

            migrationBuilder.DropTable(
                name: "AgentRunEvent");

            migrationBuilder.DropTable(
                name: "AgentRunIteration");

            migrationBuilder.DropTable(
                name: "AgentRunPullRequest");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "Deployments");

            migrationBuilder.DropTable(
                name: "GitHubAppCredentials");

            migrationBuilder.DropTable(
                name: "Installations");

            migrationBuilder.DropTable(
                name: "PipelineStage");

            migrationBuilder.DropTable(
                name: "ProjectSecret");

            migrationBuilder.DropTable(
                name: "WebhookDelivery");

            migrationBuilder.DropTable(
                name: "AgentRun");

            migrationBuilder.DropTable(
                name: "PipelineRun");

            migrationBuilder.DropTable(
                name: "Project");
        }
    }
}
