using Grpc.Core;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace Mitzvah.Azure.Tests.HostEmulator;

/// <summary>The host's side of <c>FunctionRpc.EventStream</c>: hands the worker's stream to its emulator.</summary>
internal sealed class FunctionRpcEndpoint(FunctionsHostEmulator emulator) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
        emulator.ServeAsync(requestStream, responseStream, context.CancellationToken);
}
