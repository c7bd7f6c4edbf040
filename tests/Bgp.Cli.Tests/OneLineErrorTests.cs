using Bgp.Cli.Ctl;
using NUnit.Framework;

namespace Bgp.Cli.Tests;

/// <summary>
/// A refused request is one line on stderr, also when the daemon explains a refused configuration
/// change with rendered diagnostics (several lines each, as bgpactorsd prints them at load).
/// </summary>
[TestFixture]
public class OneLineErrorTests
{
    [Test]
    public void The_daemons_rendered_diagnostics_become_one_line()
    {
        const string rendered = """
            the change would make the configuration invalid:
            error: unknown prefix set `bogns`
              --> /var/lib/bgpactors/bgpactors.toml:31:24
               |
            31 | match = { prefix_set = "bogns" }
               |                        ^^^^^^^ did you mean `bogons`?
               |
               = help: defined: bogons

            error: a `reject` statement cannot change the route
              --> /var/lib/bgpactors/bgpactors.toml:32:1
               |
            32 | set = { local_pref = 200 }
               | ^^^ `set` has no effect on a rejected route
               |
               = help: remove `set`, or use `action = "accept"` or `"next"`

            error: could not load `/var/lib/bgpactors/bgpactors.toml` due to 2 errors

            """;
        Assert.That(CtlApp.OneLine(rendered), Is.EqualTo("the change would make the configuration invalid: unknown prefix set `bogns` (did you mean `bogons`?); "
            + "a `reject` statement cannot change the route (`set` has no effect on a rejected route)"));
        Assert.That(CtlApp.OneLine("no policy `x`"), Is.EqualTo("no policy `x`"));
        Assert.That(CtlApp.OneLine("first\n  second\n"), Is.EqualTo("first second"));
    }
}
