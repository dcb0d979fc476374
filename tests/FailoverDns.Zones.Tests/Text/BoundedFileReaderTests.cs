using FailoverDns.Testing;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Tests.Text;

public sealed class BoundedFileReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TryReadWithin_ReadThatNeverFinishes_GivesUpAtTheReadTimeout()
    {
        // A FIFO with no writer blocks open(2) for ever: it stands in for a file system that stops
        // answering (the checks in front of the read, which refuse FIFOs, are passed over here).
        var pipe = Fifo.Create(Path.Combine(_dir.Path, "stuck"));
        var options = new FileReadOptions { Timeout = TimeSpan.FromMilliseconds(200) };

        var read = Task.Run(() => (BoundedFileReader.TryReadWithin(pipe, options, out _, out var error), error));
        var result = await read.WaitAsync(TimeSpan.FromSeconds(20)); // throws if the timeout did not end the wait
        await ReleaseReader(pipe);

        result.Should().Be((false, "it took longer than 200ms to read (files: readTimeout)"));
    }

    [Fact]
    public void TryReadBytes_RegularFileWithinLimits_ReadWhole()
    {
        var path = _dir.Write("small.zone", "www A 192.0.2.1\n");

        BoundedFileReader.TryReadBytes(path, FileReadOptions.Default, out var bytes, out var error).Should().BeTrue();

        error.Should().BeNull();
        bytes.Should().Equal("www A 192.0.2.1\n"u8.ToArray());
    }

    // Opening the write end lets the abandoned open(2) return, so no thread stays blocked after the test.
    private static async Task ReleaseReader(string pipe) =>
        await Task.WhenAny(Task.Run(() => new FileStream(pipe, FileMode.Open, FileAccess.Write).Dispose()), Task.Delay(TimeSpan.FromSeconds(5)));
}
