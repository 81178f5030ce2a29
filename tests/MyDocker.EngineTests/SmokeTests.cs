namespace MyDocker.EngineTests;

public class SmokeTests
{
    [Fact]
    public void Unknown_verb_is_one_line()
    {
        var e = Assert.Throws<MyDocker.Spec.MyDockerException>(() => MyDocker.Engine.EngineCommands.Run(["nope"]));
        Assert.Equal("unknown command \"nope\" (see mydocker help)", e.Message);
    }
}
