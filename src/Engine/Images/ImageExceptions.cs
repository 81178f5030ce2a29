using MyDocker.Spec;

namespace MyDocker.Engine.Images;

/// <summary>No image matches the reference (the API answers 404).</summary>
public class ImageNotFoundException(string reference)
    : MyDockerException($"No such image: {MessageText.Escape(reference)}")
{
    public string Reference { get; } = reference;
}

/// <summary>The image cannot be removed as asked (the API answers 409, as Docker's "conflict").</summary>
public class ImageConflictException(string message) : MyDockerException(message);

/// <summary>A container uses the image, so it cannot be deleted (409).</summary>
public class ImageInUseException(string message) : ImageConflictException(message);
