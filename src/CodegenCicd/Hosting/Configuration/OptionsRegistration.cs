using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Hosting.Configuration;

/// <summary>An options class bound to one configuration section.</summary>
public interface IConfigSection
{
    static abstract string SectionName { get; }
}

public static class OptionsRegistration
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to its section and validates it at start-up. Data-annotation
    /// messages are written as "Section:Key …" so a bad value stops the app with one line naming the key.
    /// </summary>
    public static OptionsBuilder<T> AddConfigSection<T>(this IServiceCollection services)
        where T : class, IConfigSection
    {
        services.AddSingleton<IValidateOptions<T>, AnnotatedOptionsValidator<T>>();
        return services.AddOptions<T>().BindConfiguration(T.SectionName).ValidateOnStart();
    }

    private sealed class AnnotatedOptionsValidator<T> : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var results = new List<ValidationResult>();
            if (Validator.TryValidateObject(
                options, new ValidationContext(options), results, validateAllProperties: true))
            {
                return ValidateOptionsResult.Success;
            }
            return ValidateOptionsResult.Fail(results.Select(r => r.ErrorMessage ?? "invalid value"));
        }
    }
}
