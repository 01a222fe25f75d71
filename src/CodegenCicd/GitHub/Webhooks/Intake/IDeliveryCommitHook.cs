using System.Data.Common;

namespace CodegenCicd.GitHub.Webhooks.Intake;

/// <summary>
/// Called with a batch's delivery ids after they are inserted and before the transaction commits.
/// The app registers one that does nothing; tests hold a commit with it to prove that no request is
/// acknowledged before its delivery is durable, and read the writer's settings in its transaction.
/// </summary>
public interface IDeliveryCommitHook
{
    Task BeforeCommitAsync(IReadOnlyList<string> deliveryIds, DbTransaction transaction);
}

internal sealed class NoCommitHook : IDeliveryCommitHook
{
    public Task BeforeCommitAsync(IReadOnlyList<string> deliveryIds, DbTransaction transaction) => Task.CompletedTask;
}
