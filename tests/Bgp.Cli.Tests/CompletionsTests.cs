using System.Diagnostics;
using NUnit.Framework;

namespace Bgp.Cli.Tests;

/// <summary>
/// The completion scripts: generated for bash, zsh and fish from the command tree; the bash one is
/// sourced into a real bash and asked to complete partial command lines; zsh and fish ones are
/// syntax-checked by their shells when those are installed.
/// </summary>
[TestFixture]
public class CompletionsTests
{
    private static string Generate(string shell)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter();
        Assert.That(Program.Run(["completions", shell], stdout, stderr), Is.EqualTo(0), stderr.ToString());
        return stdout.ToString();
    }

    private static (int Exit, string Out, string Err) Shell(string shell, string script, params string[] args)
    {
        var info = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(20_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{shell} did not finish");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static bool Installed(string shell) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(dir => File.Exists(Path.Combine(dir, shell)));

    /// <summary>What bash offers for a command line whose last word is being completed.</summary>
    private static string[] BashComplete(string script, string line)
    {
        var words = line.Split(' ');
        var quoted = string.Join(' ', words.Select(w => $"'{w}'"));
        var probe = $$"""
            {{script}}
            complete -p bgpactorsctl >/dev/null || exit 3
            COMP_WORDS=({{quoted}}); COMP_CWORD={{words.Length - 1}}
            _bgpactorsctl
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        var (exit, stdout, stderr) = Shell("bash", probe, "--norc", "--noprofile");
        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(stderr, Is.Empty);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [TestCase("bgpactorsctl ne", new[] { "neighbor", "neighbors" })]
    [TestCase("bgpactorsctl neighbor d", new[] { "delete", "disable" })]
    [TestCase("bgpactorsctl --addr unix:///run/x.sock neighbor s", new[] { "softreset", "soft-reset" })]
    [TestCase("bgpactorsctl rib --fam", new[] { "--family" })]
    [TestCase("bgpactorsctl rib --family ", new[] { "ipv4", "ipv6", "ipv4-unicast", "ipv6-unicast" })]
    [TestCase("bgpactorsctl inject add 192.0.2.0/24 --origin ", new[] { "igp", "egp", "incomplete" })]
    [TestCase("bgpactorsctl inject add 192.0.2.0/24 --next-", new[] { "--next-hop" })]
    [TestCase("bgpactorsctl completions ", new[] { "bash", "zsh", "fish" })]
    [TestCase("bgpactorsctl --json w", new[] { "watch" })]
    [TestCase("bgpactorsctl watch --ro", new[] { "--routes" })]
    [TestCase("bgpactorsctl neighbor add 192.0.2.1 --route-", new[] { "--route-server-client", "--route-reflector-client" })]
    [TestCase("bgpactorsctl p", new[] { "policy", "policies", "peer-group", "peer-groups" })]
    [TestCase("bgpactorsctl policy s", new[] { "set", "sets" })]
    [TestCase("bgpactorsctl policy sets --type ", new[] { "prefix", "as-path", "community", "neighbor" })]
    [TestCase("bgpactorsctl policy sets set ", new[] { "prefix", "as-path", "community", "neighbor" })]
    [TestCase("bgpactorsctl policy chain --peer-group g --ex", new[] { "--export" })]
    [TestCase("bgpactorsctl peer-group set g --pa", new[] { "--passive" })]
    public void Bash_completes_verbs_options_and_their_values(string line, string[] expected)
    {
        Assert.That(BashComplete(Generate("bash"), line), Is.EquivalentTo(expected));
    }

    [Test]
    public void Bash_completes_file_names_for_file_arguments()
    {
        var dir = Directory.CreateTempSubdirectory("bgpctl-comp-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "rib.20151101.mrt.gz"), "");
            File.WriteAllText(Path.Combine(dir, "routes.txt"), "");
            File.WriteAllText(Path.Combine(dir, "policy.toml"), "");
            Assert.That(BashComplete(Generate("bash"), $"bgpactorsctl mrt dump {dir}/rib"), Is.EqualTo(new[] { $"{dir}/rib.20151101.mrt.gz" }));
            Assert.That(BashComplete(Generate("bash"), $"bgpactorsctl inject file {dir}/ro"), Is.EqualTo(new[] { $"{dir}/routes.txt" }));
            Assert.That(BashComplete(Generate("bash"), $"bgpactorsctl --cert {dir}/ro"), Is.EqualTo(new[] { $"{dir}/routes.txt" }));
            Assert.That(BashComplete(Generate("bash"), $"bgpactorsctl policy set p --file {dir}/po"), Is.EqualTo(new[] { $"{dir}/policy.toml" }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Every_verb_is_in_every_script()
    {
        foreach (var shell in new[] { "bash", "zsh", "fish" })
        {
            var script = Generate(shell);
            foreach (var verb in new[] { "health", "global", "neighbor", "rib", "inject", "watch", "metrics", "shutdown", "top", "mrt", "completions", "softreset", "--explain", "--remote-as", "policy", "peer-group", "--toml", "--import", "--export" })
                Assert.That(script, Does.Contain(shell == "fish" ? verb.TrimStart('-') : verb), $"{shell}: {verb}");
        }
    }

    [TestCase("zsh", "-n")]
    [TestCase("fish", "--no-execute")]
    public void Zsh_and_fish_scripts_parse_in_their_shells(string shell, string checkFlag)
    {
        if (!Installed(shell)) Assert.Ignore($"{shell} is not installed (.ci/run installs it)");
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Generate(shell));
            var (exit, _, stderr) = Shell(shell, "", checkFlag, file);
            Assert.That(exit, Is.EqualTo(0), stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Fish_script_offers_subcommands_by_path()
    {
        if (!Installed("fish")) Assert.Ignore("fish is not installed (.ci/run installs it)");
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Generate("fish"));
            var (exit, stdout, stderr) = Shell("fish", "", "-c", $"source {file}; complete -C 'bgpactorsctl neighbor d'");
            Assert.That(exit, Is.EqualTo(0), stderr);
            Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]), Is.EquivalentTo(new[] { "delete", "disable" }));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
