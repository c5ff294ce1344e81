using LayeredPrefill.IO;

namespace LayeredPrefill.Tests.IO;

/// <summary>The one rule for numbers typed as text: invariant, plain, finite; "1,5" is never 15.</summary>
public sealed class PlainNumberTests
{
    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("+2", 2)]
    [InlineData("-0.25", -0.25)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5)]
    [InlineData("2e-3", 0.002)]
    [InlineData("1E3", 1000)]
    [InlineData(" 3 ", 3)]
    public void Plain_reals_are_read(string text, double expected)
    {
        Assert.True(PlainNumber.TryParseDouble(text, out double v, out string why), why);
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("1,5")]
    [InlineData("1 000")]
    [InlineData("0x10")]
    [InlineData("1e")]
    [InlineData("e3")]
    [InlineData("NaN")]
    [InlineData("-Infinity")]
    [InlineData("∞")]
    [InlineData("1e400")]
    [InlineData("")]
    [InlineData("١٢")] // Arabic-Indic digits
    public void Anything_else_is_refused_with_why(string text)
    {
        Assert.False(PlainNumber.TryParseDouble(text, out _, out string why));
        Assert.NotEmpty(why);
    }

    [Theory]
    [InlineData("12", 12)]
    [InlineData("+12", 12)]
    [InlineData("-7", -7)]
    [InlineData("2147483647", int.MaxValue)]
    public void Whole_numbers_take_digits_and_a_sign(string text, int expected)
    {
        Assert.True(PlainNumber.TryParseInt(text, out int v, out string why), why);
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("1e3")]
    [InlineData("2048.0")]
    [InlineData("1,200")]
    [InlineData("1_000")]
    [InlineData("0x10")]
    [InlineData("2147483648")]
    [InlineData("--5")]
    public void Whole_numbers_refuse_exponents_fractions_separators_and_overflow(string text) =>
        Assert.False(PlainNumber.TryParseInt(text, out _, out _));
}
