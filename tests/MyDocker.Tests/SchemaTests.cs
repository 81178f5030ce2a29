using MyDocker.Spec;
using MyDocker.Tests.Support;

namespace MyDocker.Tests;

public class SchemaTests
{
    [Fact]
    public void DefaultSpecIsValid()
    {
        var errors = OciSchema.Load().Errors("config-schema.json", SpecJson.SerializeConfig(DefaultSpec.Create(false)));
        Assert.Empty(errors);
    }
}
