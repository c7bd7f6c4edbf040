using Akka.TestKit;
using NUnit.Framework;

namespace Bgp.TestKit;

/// <summary>
/// Waiting on a condition that an actor's answer decides (the TestKit's <c>AwaitAssert</c>, which
/// retries until the time is up). NUnit records a failed <c>Assert</c> in the test's result even when
/// it is caught, so the retried check must not use it: it says false, and only the last try fails the test.
/// </summary>
public static class AwaitExtensions
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    public static async Task AwaitTrueAsync(this TestKitBase kit, Func<Task<bool>> condition, Func<string> what, TimeSpan? max = null)
    {
        try
        {
            await kit.AwaitAssertAsync(async () =>
            {
                if (!await condition().ConfigureAwait(false)) throw new NotYet();
            }, max ?? DefaultWait, TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        }
        catch (NotYet)
        {
            Assert.Fail($"waited {(max ?? DefaultWait).TotalSeconds:0.#} s for {what()}");
        }
    }

    private sealed class NotYet : Exception;
}
