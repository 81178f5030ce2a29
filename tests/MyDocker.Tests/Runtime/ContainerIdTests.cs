using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Tests.Runtime;

/// <summary>ContainerId: the rule is stated in the error, and long IDs are shown shortened.</summary>
public sealed class ContainerIdTests
{
    [Fact]
    public void Up_to_255_characters_pass_and_the_error_for_more_states_the_rule()
    {
        Assert.Equal(new string('a', 255), ContainerId.Validate(new string('a', 255)));
        var e = Assert.Throws<MyDockerException>(() => ContainerId.Validate(new string('a', 256)));
        Assert.Contains("longer than 255 characters", e.Message);
        Assert.Contains("letters, digits and _+-.", e.Message);
    }

    [Fact]
    public void A_long_id_is_shown_as_its_first_64_characters_and_its_length()
    {
        string id = new string('x', 1000);
        var e = Assert.Throws<MyDockerException>(() => ContainerId.Validate(id));
        Assert.DoesNotContain(new string('x', 65), e.Message);
        Assert.Contains($"\"{new string('x', 64)}…\" (1000 characters)", e.Message);
        Assert.True(e.Message.Length < 250, e.Message);
    }

    [Fact]
    public void A_bad_character_is_refused_with_the_rule_and_a_newline_does_not_break_the_line()
    {
        var e = Assert.Throws<MyDockerException>(() => ContainerId.Validate("a\nb"));
        Assert.Equal("invalid container ID \"a\\x0ab\": use 1 to 255 letters, digits and _+-. (not \".\" or \"..\")", e.Message);
        Assert.Equal("\"short\"", ContainerId.Quote("short"));
    }
}
