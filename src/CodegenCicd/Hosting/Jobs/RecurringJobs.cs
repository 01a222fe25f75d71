using System.Linq.Expressions;
using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodegenCicd.Hosting.Jobs;

/// <summary>One recurring job a feature wants; registered with Hangfire when the app starts.</summary>
public sealed record RecurringJobRegistration(Action<IRecurringJobManager> Register);

public static class RecurringJobs
{
    /// <summary>
    /// Schedules <typeparamref name="TJob"/> under <paramref name="id"/> at start-up. AddOrUpdate is
    /// idempotent, so every node may register the same job; the shared storage runs it once per tick.
    /// </summary>
    public static IServiceCollection AddRecurringJob<TJob>(
        this IServiceCollection services, string id, Expression<Func<TJob, Task>> call, string cron)
    {
        services.AddSingleton(new RecurringJobRegistration(manager => manager.AddOrUpdate(id, call, cron)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecurringJobsRegistrar>());
        return services;
    }

    /// <summary>
    /// Removes a recurring job this app no longer has from the shared storage at start-up; left
    /// there, Hangfire would keep trying to load its vanished type on every tick.
    /// </summary>
    public static IServiceCollection RetireRecurringJob(this IServiceCollection services, string id)
    {
        services.AddSingleton(new RecurringJobRegistration(manager => manager.RemoveIfExists(id)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecurringJobsRegistrar>());
        return services;
    }

    private sealed class RecurringJobsRegistrar(
        IEnumerable<RecurringJobRegistration> registrations, IRecurringJobManager manager) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var registration in registrations)
            {
                registration.Register(manager);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
