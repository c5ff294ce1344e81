using LayeredPrefill.Execution.Roofline;
using Xunit;

namespace LayeredPrefill.Tests.Execution.Roofline;

public class ExpertEfficiencyCurveTests
{
    private static readonly ExpertEfficiencyCurve Curve = new([new(8, 0.4, 0.8), new(32, 0.1, 0.5)]);

    [Fact]
    public void Interpolates_in_log_tokens_and_holds_flat_outside()
    {
        Assert.Equal((0.4, 0.8), Curve.At(1));
        Assert.Equal((0.1, 0.5), Curve.At(1000));
        var (c, m) = Curve.At(16); // halfway in log between 8 and 32
        Assert.Equal(0.25, c, 12);
        Assert.Equal(0.65, m, 12);
    }

    [Theory]
    [InlineData(8, 0.4, 8, 0.3, "must increase")]
    [InlineData(8, 0.4, 32, 1.5, "computeFraction must be in (0, 1]")]
    [InlineData(0, 0.4, 32, 0.3, "tokensPerExpert must be a finite number > 0")]
    public void Refuses_bad_points_in_one_line(double t0, double c0, double t1, double c1, string message)
    {
        var e = Assert.Throws<UserInputException>(() => new ExpertEfficiencyCurve([new(t0, c0, 0.5), new(t1, c1, 0.5)], "curve"));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
