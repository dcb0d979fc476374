namespace FailoverDns.Server.Lifecycle;

/// <summary>What <c>/readyz</c> reports, set by the parts that know: the listeners and config reloads.</summary>
public sealed class ReadinessState
{
    private volatile bool _listenersBound;
    private volatile bool _answering;
    private volatile ReloadOutcome? _lastReload;

    public bool ListenersBound => _listenersBound;

    /// <summary>True once the listeners answer queries (after the start-up gate, <see cref="StartupGate"/>).</summary>
    public bool Answering => _answering;

    public ReloadOutcome? LastReload => _lastReload;

    public void MarkListenersBound() => _listenersBound = true;

    public void MarkAnswering() => _answering = true;

    public void RecordReload(ReloadOutcome reload) => _lastReload = reload;
}
