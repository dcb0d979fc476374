using System.CommandLine;
using FailoverDns.Server.Import;

namespace FailoverDns.Server.Hosting.Cli;

/// <summary><c>import route53 --record-sets FILE --health-checks FILE</c>; the work is <see cref="Route53Import"/>'s.</summary>
internal static class ImportCli
{
    public const string Usage = "usage: failoverdns import route53 --record-sets FILE --health-checks FILE [--zone NAME] [--output FILE]";

    public static Command Create(CliContext context)
    {
        var recordSets = new Option<string>("--record-sets") { HelpName = "FILE", Required = true, Description = "What `aws route53 list-resource-record-sets --hosted-zone-id ID` prints" };
        var healthChecks = new Option<string>("--health-checks") { HelpName = "FILE", Required = true, Description = "What `aws route53 list-health-checks` prints" };
        var zone = new Option<string>("--zone") { HelpName = "NAME", Description = "The zone (default: the SOA's owner, else the names' common suffix)" };
        var output = new Option<string>("--output") { HelpName = "FILE", Description = "Where to write the config (default: standard output)" };
        var route53 = new Command("route53", "Convert a Route 53 hosted zone and its health checks into a FailoverDns config; what cannot be mapped is listed with the reason")
        {
            recordSets, healthChecks, zone, output,
        };
        route53.SetAction(result => Route53Import.Run(
            result.GetRequiredValue(recordSets), result.GetRequiredValue(healthChecks), result.GetValue(zone), result.GetValue(output), context.Output, context.Error));
        return new Command("import", "Write a config from another DNS service's export") { route53 };
    }
}
