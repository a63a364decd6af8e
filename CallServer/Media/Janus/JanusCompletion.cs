namespace CallServer.Media.Janus;

/// <summary>Which reply ends a Janus request: <c>success</c> (core and synchronous plugin requests), <c>ack</c> (keepalive,
/// trickle), or the plugin's <c>event</c> (asynchronous plugin requests, whose event may come before their ack).</summary>
internal enum JanusCompletion
{
    Success,
    Ack,
    Event,
}
