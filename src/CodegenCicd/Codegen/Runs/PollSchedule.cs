namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// When to ask Codegen again: often while a state is young, rarely once it has lasted (agents work for
/// minutes to hours).
/// </summary>
public static class PollSchedule
{
    public static TimeSpan NextDelay(TimeSpan stateAge, TimeSpan interval) => stateAge switch
    {
        _ when stateAge < TimeSpan.FromMinutes(5) => interval,
        _ when stateAge < TimeSpan.FromMinutes(30) => interval * 4,
        _ when stateAge < TimeSpan.FromHours(2) => interval * 20,
        _ => interval * 60,
    };

    public static void Reschedule(this AgentRun run, DateTimeOffset now, TimeSpan interval) =>
        run.NextPollAt = run.Status.IsPolled() ? now + NextDelay(now - run.StatusChangedAt, interval) : null;
}
