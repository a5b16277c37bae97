using Microsoft.Azure.Functions.Worker;

namespace Mitzvah.Azure.Tests;

/// <summary>
/// The part of a worker invocation the functions use: the invocation's service scope. Everything else the worker
/// fills in (bindings, trace context, features) is unused by thin translators and throws if touched.
/// </summary>
internal sealed class TestFunctionContext(IServiceProvider instanceServices, string functionName, CancellationToken cancellationToken = default) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => functionName;

    public override TraceContext TraceContext => throw new NotSupportedException();

    public override BindingContext BindingContext => throw new NotSupportedException();

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices { get; set; } = instanceServices;

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();

    public override CancellationToken CancellationToken => cancellationToken;
}
