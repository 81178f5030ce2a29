using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace MyDocker.Engine.Daemon.HalfClose;

/// <summary>
/// Two things Docker's hijacked connections need that Kestrel does not do, done between the socket
/// transport and Kestrel's HTTP layer by a small pump (every connection goes through it):
///  - a half-closed connection: `docker run` (no -i) shuts its sending side at once and goes on
///    reading the container's output; Kestrel would end the connection at that FIN. For a hijacked
///    connection (<see cref="HijackFeature"/>) the FIN is held back (the handler hears of it) until
///    the handler is done;
///  - an upgrade request with a body (`exec start`): see <see cref="UpgradeBodyRewriter"/>.
/// </summary>
public static class HalfCloseMiddleware
{
    public static ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var feature = new HijackFeature();
        connection.Features.Set(feature);
        await using var wrapped = new HalfCloseConnection(connection, feature);
        await next(wrapped);
    };

    private sealed class HalfCloseConnection : ConnectionContext
    {
        private readonly ConnectionContext _inner;
        private readonly CancellationTokenSource _closed = new();
        private readonly CancellationTokenRegistration _registration;
        private readonly Task _pump;

        public HalfCloseConnection(ConnectionContext inner, HijackFeature feature)
        {
            _inner = inner;
            var input = new Pipe();
            _pump = Pump(inner.Transport.Input, input.Writer, feature);
            Transport = new DuplexPipe(input.Reader, inner.Transport.Output);
            // The transport fires ConnectionClosed at the client's FIN; for a hijacked connection the
            // HTTP layer hears of it only when the handler is done.
            _registration = inner.ConnectionClosed.Register(() =>
            {
                if (!feature.IsHijacked) { _closed.Cancel(); return; }
                feature.OnClientFin();
                feature.DoneTask.ContinueWith(_ => _closed.Cancel(), TaskScheduler.Default);
            });
            ConnectionClosed = _closed.Token;
        }

        public override string ConnectionId { get => _inner.ConnectionId; set => _inner.ConnectionId = value; }
        public override IFeatureCollection Features => _inner.Features;
        public override IDictionary<object, object?> Items { get => _inner.Items; set => _inner.Items = value; }
        public override IDuplexPipe Transport { get; set; }
        public override EndPoint? LocalEndPoint { get => _inner.LocalEndPoint; set => _inner.LocalEndPoint = value; }
        public override EndPoint? RemoteEndPoint { get => _inner.RemoteEndPoint; set => _inner.RemoteEndPoint = value; }
        public override void Abort(ConnectionAbortedException abortReason) => _inner.Abort(abortReason);
        public override void Abort() => _inner.Abort();

        public override async ValueTask DisposeAsync()
        {
            // Kestrel is done with the connection; the pump may still wait for bytes the client will
            // never send (a terminal's stdin stays open): stop it, so the socket closes now.
            _inner.Transport.Input.CancelPendingRead();
            try { await _pump; } catch (Exception) { }
            await _registration.DisposeAsync();
            _closed.Dispose();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Copies the client's bytes from the transport to the pipe Kestrel's HTTP layer reads: the first
    /// request head through <see cref="UpgradeBodyRewriter"/>, and, on a hijacked connection, the FIN
    /// held back until the handler is done (it hears of the FIN through <see cref="HijackFeature"/>).
    /// </summary>
    private static async Task Pump(PipeReader from, PipeWriter to, HijackFeature feature)
    {
        Exception? error = null;
        try
        {
            bool firstHead = true;
            while (true)
            {
                var result = await from.ReadAsync();
                if (result.IsCanceled) break; // DisposeAsync: the connection is over
                var buffer = result.Buffer;
                if (firstHead)
                {
                    var end = FindHeadEnd(buffer);
                    if (end == null && !result.IsCompleted && buffer.Length < 16384)
                    {
                        from.AdvanceTo(buffer.Start, buffer.End); // wait for the rest of the head
                        continue;
                    }
                    firstHead = false;
                    if (end is { } headEnd && UpgradeBodyRewriter.Rewrite(buffer.Slice(0, headEnd).ToArray()) is { } head)
                    {
                        await to.WriteAsync(head);
                        buffer = buffer.Slice(headEnd);
                    }
                }
                foreach (var segment in buffer) await to.WriteAsync(segment);
                from.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
            if (feature.IsHijacked)
            {
                feature.OnClientFin();
                await feature.DoneTask;
            }
        }
        catch (Exception e) { error = e; }
        finally
        {
            await to.CompleteAsync(error);
            await from.CompleteAsync();
        }
    }

    /// <summary>
    /// Where the request head ends: just past its empty line. A line may end in CRLF or in a bare LF
    /// (RFC 9112 §2.2 lets a server accept that; Kestrel does, and Docker.DotNet sends its headers so).
    /// </summary>
    internal static long? FindHeadEnd(System.Buffers.ReadOnlySequence<byte> buffer)
    {
        var reader = new System.Buffers.SequenceReader<byte>(buffer);
        while (reader.TryAdvanceTo((byte)'\n'))
        {
            if (reader.IsNext((byte)'\n', advancePast: true) || reader.IsNext("\r\n"u8, advancePast: true)) return reader.Consumed;
        }
        return null;
    }
}
