using System.Net;
using System.Text.Json;
using LoadGen.Report;

namespace LoadGen.Net;

/// <summary>
/// A webhook receiver for the benchmark (HttpListener on loopback): answers 204 at once and records, for each webhook, the time
/// from its event (<c>data.at</c>, stamped by the server on this machine's clock) to its arrival.
/// </summary>
internal sealed class WebhookSink : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private long _measureFrom = long.MaxValue;

    private WebhookSink(int port)
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/hooks/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Latencies Lags { get; } = new();

    public static WebhookSink Start(int port) => new(port);

    /// <summary>Records only events from <paramref name="from"/> on (after the warm-up).</summary>
    public void MeasureFrom(DateTimeOffset from) => Interlocked.Exchange(ref _measureFrom, from.UtcTicks);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            var arrived = DateTimeOffset.UtcNow;
            using (var body = await JsonDocument.ParseAsync(context.Request.InputStream))
            {
                var at = body.RootElement.GetProperty("data").GetProperty("at").GetDateTimeOffset();
                if (at.UtcTicks >= Interlocked.Read(ref _measureFrom))
                {
                    Lags.Record(arrived - at);
                }
            }

            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }
}
