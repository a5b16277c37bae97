using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mitzvah.Core.Endpoints;

/// <summary>Registers routes of the <see cref="EndpointRouter"/>.</summary>
public static class EndpointServiceCollectionExtensions
{
    /// <summary>Adds <typeparamref name="TRoute"/> to every host's router (once, however often this is called).</summary>
    public static IServiceCollection AddMitzvahRoute<TRoute>(this IServiceCollection services)
        where TRoute : class, IEndpointRoute
    {
        services.TryAddSingleton<TRoute>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEndpointRoute, TRoute>());
        return services;
    }

    /// <summary>Takes <typeparamref name="TRoute"/> out of the router, for a host that cannot serve it.</summary>
    public static IServiceCollection RemoveMitzvahRoute<TRoute>(this IServiceCollection services)
        where TRoute : class, IEndpointRoute
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var descriptor in services.Where(d => d.ImplementationType == typeof(TRoute) || d.ServiceType == typeof(TRoute)).ToList())
        {
            services.Remove(descriptor);
        }

        return services;
    }
}
