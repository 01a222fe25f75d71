using Microsoft.AspNetCore.Mvc;

namespace CodegenCicd.Pages;

/// <summary>
/// The messages a form shows when a field cannot be read at all (an empty or non-numeric number),
/// in the site's words and with the field's label, instead of the framework's "The value '' is invalid.".
/// </summary>
public static class FormMessages
{
    public static void Configure(MvcOptions options)
    {
        var messages = options.ModelBindingMessageProvider;
        messages.SetValueMustNotBeNullAccessor(_ => "This field needs a value.");
        messages.SetAttemptedValueIsInvalidAccessor((value, field) => $"“{value}” is not a valid value for {field}.");
        messages.SetNonPropertyAttemptedValueIsInvalidAccessor(value => $"“{value}” is not a valid value.");
        messages.SetValueIsInvalidAccessor(value => $"“{value}” is not a valid value.");
        messages.SetMissingBindRequiredValueAccessor(field => $"{field} needs a value.");
        messages.SetValueMustBeANumberAccessor(field => $"{field} must be a number.");
        messages.SetUnknownValueIsInvalidAccessor(field => $"{field} must be filled in.");
        messages.SetNonPropertyUnknownValueIsInvalidAccessor(() => "This field must be filled in.");
    }
}
