using LayeredPrefill.Experiments;

namespace LayeredPrefill.Tests.Experiments;

/// <summary>The date a result is stamped with: SOURCE_DATE_EPOCH when set (refused in one line when it names no date), else now.</summary>
public sealed class RunContextTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Unset_or_empty_takes_now(string? value) => Assert.Null(RunContext.FromSourceDateEpoch(value));

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1800000000", 1800000000L)]
    [InlineData("253402300799", 253402300799L)]    // 9999-12-31 23:59:59, the latest date
    [InlineData("-62135596800", -62135596800L)]    // 0001-01-01, the earliest
    public void Seconds_since_1970_are_that_date(string value, long seconds) =>
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(seconds), RunContext.FromSourceDateEpoch(value));

    [Theory]
    [InlineData("99999999999999999", "SOURCE_DATE_EPOCH: 99999999999999999 is out of range (seconds since 1970-01-01 UTC, from -62135596800 to 253402300799)")]
    [InlineData("253402300800", "SOURCE_DATE_EPOCH: 253402300800 is out of range (seconds since 1970-01-01 UTC, from -62135596800 to 253402300799)")]
    [InlineData("99999999999999999999", "SOURCE_DATE_EPOCH: '99999999999999999999' is too large (seconds since 1970-01-01 UTC, as `date +%s` prints)")]
    [InlineData("yesterday", "SOURCE_DATE_EPOCH: 'yesterday' is not a whole number (digits only, e.g. 1000) (seconds since 1970-01-01 UTC, as `date +%s` prints)")]
    [InlineData("1.5e9", "SOURCE_DATE_EPOCH: '1.5e9' is not a whole number (digits only, e.g. 1000) (seconds since 1970-01-01 UTC, as `date +%s` prints)")]
    public void A_value_that_names_no_date_is_refused_in_one_line_naming_the_variable(string value, string message)
    {
        var e = Assert.Throws<UserInputException>(() => RunContext.FromSourceDateEpoch(value));
        Assert.Equal(message, e.Message);
    }
}
