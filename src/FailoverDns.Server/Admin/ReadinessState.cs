namespace FailoverDns.Server.Admin;

/// <summary>What <c>/readyz</c> reports, set by the parts that know: the listeners and config reloads.</summary>
public sealed class ReadinessState
{
    private volatile bool _listenersBound;
    private volatile ReloadView? _lastReload;

    public bool ListenersBound => _listenersBound;

    public ReloadView? LastReload => _lastReload;

    public void MarkListenersBound() => _listenersBound = true;

    public void RecordReload(ReloadView reload) => _lastReload = reload;
}
