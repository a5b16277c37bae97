using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Mitzvah.Azure;

var builder = FunctionsApplication.CreateBuilder(args);
MitzvahFunctionsApp.ConfigureServices(builder.Services, builder.Configuration);
builder.Build().Run();
