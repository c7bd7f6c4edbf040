using Akka.TestKit;
using NUnit.Framework;

namespace Bgp.TestKit;

/// <summary>
/// The Akka TestKit's assertions as NUnit failures (Akka.TestKit.NUnit is not on our feed): an
/// <c>ExpectMsg</c> that times out or a probe that gets the wrong message fails the test with NUnit's
/// <see cref="AssertionException"/>, like any other assertion.
/// </summary>
public sealed class NUnitAssertions : ITestKitAssertions
{
    public static NUnitAssertions Instance { get; } = new();

    public void Fail(string format = "", params object[] args) => Assert.Fail(Format(format, args));

    public void AssertTrue(bool condition, string format = "", params object[] args)
    {
        if (!condition) Assert.Fail(Format(format, args, "expected true"));
    }

    public void AssertFalse(bool condition, string format = "", params object[] args)
    {
        if (condition) Assert.Fail(Format(format, args, "expected false"));
    }

    public void AssertEqual<T>(T expected, T actual, string format = "", params object[] args)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            Assert.Fail(Format(format, args, "not equal") + $"; expected {expected}, got {actual}");
    }

    public void AssertEqual<T>(T expected, T actual, Func<T, T, bool> comparer, string format = "", params object[] args)
    {
        if (!comparer(expected, actual))
            Assert.Fail(Format(format, args, "not equal") + $"; expected {expected}, got {actual}");
    }

    public Exception AssertThrows(Action action) => Assert.Catch(new TestDelegate(action))!;

    public TException AssertThrows<TException>(Action action) where TException : Exception =>
        Assert.Throws<TException>(new TestDelegate(action))!;

    public Task<Exception> AssertThrowsAsync(Func<Task> action) => Task.FromResult(Assert.CatchAsync(new AsyncTestDelegate(action))!);

    public Task<TException> AssertThrowsAsync<TException>(Func<Task> action) where TException : Exception =>
        Task.FromResult(Assert.ThrowsAsync<TException>(new AsyncTestDelegate(action))!);

    private static string Format(string format, object[] args, string fallback = "assertion failed") =>
        string.IsNullOrEmpty(format) ? fallback : args is { Length: > 0 } ? string.Format(format, args) : format;
}
