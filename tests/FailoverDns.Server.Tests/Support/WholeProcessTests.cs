namespace FailoverDns.Server.Tests.Support;

/// <summary>Tests that measure the whole process (allocated bytes) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeProcessTests
{
    public const string Name = "non-parallel";
}
