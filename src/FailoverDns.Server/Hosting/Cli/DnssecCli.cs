using System.CommandLine;
using FailoverDns.Configuration.Dnssec;
using FailoverDns.Protocol;
using FailoverDns.Protocol.Dnssec;
using FailoverDns.Zones.Text;

namespace FailoverDns.Server.Hosting.Cli;

/// <summary><c>dnssec keygen ZONE</c> and <c>dnssec ds ZONE</c>; the work is <see cref="DnssecCommands"/>'.</summary>
internal static class DnssecCli
{
    public static Command Create(CliContext context)
    {
        var dnssec = new Command("dnssec", "Make a zone's signing key, and print the DS records for its parent");
        dnssec.Add(KeyGen(context));
        dnssec.Add(Ds(context));
        return dnssec;
    }

    private static Command KeyGen(CliContext context)
    {
        var (zone, config, directory) = (Zone(), Config(), KeyDirectory());
        var algorithm = new Option<DnssecAlgorithm>("--algorithm")
        {
            HelpName = "13|14",
            Description = "13 (ecdsap256sha256, the default) or 14 (ecdsap384sha384)",
            DefaultValueFactory = _ => DnssecAlgorithm.EcdsaP256Sha256,
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (!DnssecCommands.TryParseAlgorithm(text, out var parsed))
                {
                    result.AddError($"--algorithm must be 13 (ecdsap256sha256) or 14 (ecdsap384sha384), not {Excerpt.Quote(text)}");
                }

                return parsed;
            },
        };
        var command = new Command("keygen", "Create the zone's signing key (BIND's K*.key and K*.private) and print its DS") { zone, config, directory, algorithm };
        command.SetAction(result => DnssecCommands.Run(Read(result, "keygen", zone, config, directory, result.GetValue(algorithm), context), context.Output, context.Error));
        return command;
    }

    private static Command Ds(CliContext context)
    {
        var (zone, config, directory) = (Zone(), Config(), KeyDirectory());
        var command = new Command("ds", "Print the DS records to give the parent zone") { zone, config, directory };
        command.SetAction(result => DnssecCommands.Run(Read(result, "ds", zone, config, directory, DnssecAlgorithm.EcdsaP256Sha256, context), context.Output, context.Error));
        return command;
    }

    private static DnssecCommands.Command Read(ParseResult result, string verb, Argument<string> zone, Option<string> config, Option<string> directory, DnssecAlgorithm algorithm, CliContext context)
    {
        var name = result.GetRequiredValue(zone);
        var configPath = CommandLine.ConfigPathOf(result.GetValue(config), context.Environment);
        return new DnssecCommands.Command(verb, KeyFiles.NormaliseZone(name), result.GetValue(directory) ?? ZoneKeyDirectory.Of(configPath, name), algorithm);
    }

    private static Argument<string> Zone()
    {
        var zone = new Argument<string>("ZONE") { Description = "The zone, e.g. example.com" };
        zone.Validators.Add(result =>
        {
            var text = result.Tokens.Single().Value;
            if (DnsName.Parse(KeyFiles.NormaliseZone(text)) is null)
            {
                result.AddError($"{Excerpt.Quote(text)} is not a valid zone name");
            }
        });
        return zone;
    }

    private static Option<string> Config() => new("--config")
    {
        HelpName = "FILE",
        Description = $"The config file, to find the zone's dnssec.keyDirectory (default: ${CommandLine.ConfigVariable}, else {CommandLine.DefaultConfig})",
    };

    private static Option<string> KeyDirectory() => new("--key-directory")
    {
        HelpName = "DIR",
        Description = "Where the keys are (default: the zone's dnssec.keyDirectory in the config, else keys/ beside it)",
    };
}
