using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using MyDocker.Engine.Containers;
using MyDocker.Runtime.Interop;

namespace MyDocker.Engine.Api;

/// <summary>
/// Who sent a request: the kernel records the pid, uid and gid of the process that connected to a
/// Unix socket, and getsockopt(SO_PEERCRED) reads them. No client can lie about them.
/// </summary>
public static unsafe class PeerCredentials
{
    public static ClientRules.Caller Of(HttpContext ctx)
    {
        var socket = ctx.Features.Get<IConnectionSocketFeature>()?.Socket
            ?? throw new ApiException(500, "cannot tell who is calling: no socket behind this connection");
        var cred = new Libc.UCred();
        var buffer = new Span<byte>(&cred, sizeof(Libc.UCred));
        int n = socket.GetRawSocketOption(Libc.SOL_SOCKET, Libc.SO_PEERCRED, buffer);
        if (n < sizeof(Libc.UCred)) throw new ApiException(500, "cannot tell who is calling: SO_PEERCRED gave too little");
        return ClientRules.Caller.Of(cred.Pid, cred.Uid, cred.Gid);
    }
}
