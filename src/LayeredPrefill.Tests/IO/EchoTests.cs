using LayeredPrefill.IO;

namespace LayeredPrefill.Tests.IO;

/// <summary>Echoed input is cut and escaped: no 10 MB line and no raw control byte reaches the terminal.</summary>
public sealed class EchoTests
{
    [Fact]
    public void Long_text_is_cut_with_a_count_of_what_was_left_out()
    {
        string echoed = Echo.Of(new string('x', 10_000_000));
        Assert.Equal(new string('x', Echo.MaxChars) + "…(9,999,940 more characters)", echoed);
    }

    [Fact]
    public void Control_characters_and_direction_overrides_are_escaped()
    {
        Assert.Equal("a\\0b\\e[31m\\t\\r\\n\\x07\\x9b\\x202e", Echo.Of("a\0b\u001b[31m\t\r\n\a\u009b\u202e"));
        Assert.Equal("é€ 漢字", Echo.Of("é€ 漢字"));
    }

    [Fact]
    public void A_whole_message_becomes_one_bounded_line()
    {
        string line = Echo.Line("first\nsecond\r\nthird " + new string('y', 5000));
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("first second third ", line);
        Assert.True(line.Length < Echo.MaxLineChars + 40);
    }
}
