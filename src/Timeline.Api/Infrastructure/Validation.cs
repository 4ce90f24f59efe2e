using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// Runs the FluentValidation validator of a request before its handler and answers 400 with the failures.
/// A JSON body is first put in Unicode NFC (<see cref="JsonRules.NormalizeText{T}"/>), so that what is
/// validated is what is stored.
/// </summary>
internal sealed class ValidationFilter<T>(IValidator<T> validator, IOptions<JsonOptions> json) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var index = context.Arguments.ToList().FindIndex(a => a is T);
        if (index < 0)
        {
            return await next(context);
        }
        var argument = (T)context.Arguments[index]!;
        if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType == typeof(T))
        {
            argument = JsonRules.NormalizeText(argument, json.Value.SerializerOptions);
            context.Arguments[index] = argument;
        }
        var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
        if (!result.IsValid)
        {
            return TypedResults.ValidationProblem(result.ToDictionary(),
                detail: string.Join(" ", result.Errors.Select(e => e.ErrorMessage).Distinct()),
                title: "The request is not valid");
        }
        return await next(context);
    }
}

internal static class ValidationExtensions
{
    /// <summary>Validates the request of type T with its registered validator and declares the 400 in OpenAPI.</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();
}

internal static class ValidatorRegistration
{
    /// <summary>
    /// Registers every validator in this assembly as a singleton (FluentValidation's DI package is not
    /// in the registry here; this is the part of it we need).
    /// </summary>
    public static IServiceCollection AddTimelineValidators(this IServiceCollection services)
    {
        foreach (var type in typeof(ValidatorRegistration).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>)))
            {
                services.AddSingleton(contract, type);
            }
        }
        return services;
    }
}
