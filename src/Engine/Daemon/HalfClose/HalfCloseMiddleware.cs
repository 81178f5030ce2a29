using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace MyDocker.Engine.Daemon.HalfClose;

/// <summary>
/// Kestrel treats a client's FIN as the end of the whole connection, but Docker's attach needs a
/// half-closed one: `docker run` (no -i) shuts its sending side at once and goes on reading the
/// container's output. This connection middleware puts a thin wrapper between the socket transport
/// and Kestrel's HTTP layer: for a hijacked connection (<see cref="HijackFeature"/>) the FIN is held
/// back (reported to the handler instead) until the handler is done; every other connection behaves
/// exactly as before.
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

        public HalfCloseConnection(ConnectionContext inner, HijackFeature feature)
        {
            _inner = inner;
            Transport = new DuplexPipe(new FinHoldingReader(inner.Transport.Input, feature), inner.Transport.Output);
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
            await _registration.DisposeAsync();
            _closed.Dispose();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>Passes reads through; the final "completed" read of a hijacked connection waits until its handler is done.</summary>
    private sealed class FinHoldingReader(PipeReader inner, HijackFeature feature) : PipeReader
    {
        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken);
            if (result.IsCompleted && result.Buffer.IsEmpty && feature.IsHijacked)
            {
                feature.OnClientFin();
                await feature.DoneTask.WaitAsync(cancellationToken);
            }
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            bool got = inner.TryRead(out result);
            if (got && result.IsCompleted && result.Buffer.IsEmpty && feature.IsHijacked && !feature.DoneTask.IsCompleted)
            {
                feature.OnClientFin();
                inner.AdvanceTo(result.Buffer.Start);
                result = default;
                return false;
            }
            return got;
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);
        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);
        public override void CancelPendingRead() => inner.CancelPendingRead();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
