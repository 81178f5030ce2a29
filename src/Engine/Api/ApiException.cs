using MyDocker.Spec;

namespace MyDocker.Engine.Api;

/// <summary>
/// An error the API answers with a given HTTP status and Docker's body {"message": "..."}: 400 bad
/// parameter, 403 refused by a rule, 404 no such container or image, 409 conflict, 501 not implemented.
/// A plain MyDockerException (a runtime failure: the runtime's own line) is a 500.
/// </summary>
public class ApiException(int status, string message) : MyDockerException(message)
{
    public int Status { get; } = status;

    public static ApiException BadRequest(string message) => new(400, message);
    public static ApiException Forbidden(string message) => new(403, message);
    public static ApiException NotFound(string message) => new(404, message);
    public static ApiException Conflict(string message) => new(409, message);
}
