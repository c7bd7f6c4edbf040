using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.Text;

namespace Bgp.Cli.Commands;

/// <summary>
/// <c>completions bash|zsh|fish</c>: a completion script generated from the command tree itself, so
/// it always knows every verb, option, and the fixed values some options take (families, origins).
/// </summary>
internal static class CompletionsCommand
{
    public static Command Build(RootCommand root, TextWriter stdout)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var command = new Command("completions", "Print a shell completion script: bash (source it, or put it in /etc/bash_completion.d/), zsh (in a directory of $fpath as _bgpactorsctl), fish (in ~/.config/fish/completions/bgpactorsctl.fish)") { shell };
        command.SetAction(parse =>
        {
            var nodes = Walk(root).ToList();
            stdout.Write(parse.GetValue(shell) switch
            {
                "zsh" => Zsh(nodes),
                "fish" => Fish(nodes),
                _ => Bash(nodes),
            });
            return 0;
        });
        return command;
    }

    internal sealed record OptionInfo(IReadOnlyList<string> Names, bool TakesValue, IReadOnlyList<string> Choices, bool File);

    /// <summary>
    /// One command: its path from the root ("" for the root), the words that may follow it (subcommand
    /// names and the fixed values of its argument), its options (inherited ones included).
    /// </summary>
    internal sealed record Node(string Path, IReadOnlyList<string> Subcommands, IReadOnlyList<OptionInfo> Options, bool FileArgument, string Description);

    internal static IEnumerable<Node> Walk(Command root)
    {
        var stack = new Stack<(Command Command, string Path, List<Option> Inherited)>();
        stack.Push((root, "", []));
        while (stack.Count > 0)
        {
            var (command, path, inherited) = stack.Pop();
            var options = command.Options.Where(o => !o.Hidden).Concat(inherited).ToList();
            yield return new Node(
                path,
                [.. command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name))
                    .Concat(command.Arguments.SelectMany(a => a.GetCompletions(CompletionContext.Empty)).Select(c => c.Label))],
                [.. options.Select(Describe)],
                command.Arguments.Any(a => a.Name == "FILE"),
                command.Description ?? "");
            var passed = inherited.Concat(command.Options.Where(o => o.Recursive)).ToList();
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
                foreach (var name in sub.Aliases.Prepend(sub.Name))
                    stack.Push((sub, path.Length == 0 ? name : $"{path} {name}", passed));
        }
    }

    /// <summary>Names a shell can offer: "--long" and "-s"; not "/?" or "-?" (glob characters).</summary>
    private static bool Completable(string name) =>
        name.Length > 1 && name[0] == '-' && name.TrimStart('-').Length > 0 && name.TrimStart('-').All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static OptionInfo Describe(Option option)
    {
        bool takesValue = option.ValueType != typeof(bool) && option is not (HelpOption or VersionOption);
        var choices = takesValue
            ? option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList()
            : [];
        return new OptionInfo([.. option.Aliases.Prepend(option.Name).Where(Completable).Distinct()], takesValue, choices, option.HelpName == "FILE");
    }

    /// <summary>The table key of a command in the bash and zsh scripts: bash has no empty keys, so the root is "bgpactorsctl".</summary>
    private static string Key(Node node) => node.Path.Length == 0 ? "bgpactorsctl" : "bgpactorsctl " + node.Path;

    private static string Words(IEnumerable<string> words) => string.Join(' ', words);

    /// <summary>
    /// The three lookup tables the bash and zsh functions walk: the words after each command, the
    /// options of each command, and what each option's value may be (@file, @any or the choices).
    /// </summary>
    private static void Tables(StringBuilder s, IReadOnlyList<Node> nodes, Func<string, string> open, Func<string, string, string> entry)
    {
        s.AppendLine(open("_bgpactorsctl_commands"));
        foreach (var node in nodes) s.AppendLine(entry(Key(node), Words(node.Subcommands)));
        s.AppendLine(")");
        s.AppendLine(open("_bgpactorsctl_options"));
        foreach (var node in nodes) s.AppendLine(entry(Key(node), Words(node.Options.SelectMany(o => o.Names))));
        s.AppendLine(")");
        s.AppendLine(open("_bgpactorsctl_values"));
        foreach (var option in nodes.SelectMany(n => n.Options).Where(o => o.TakesValue).DistinctBy(o => o.Names[0]))
            foreach (var name in option.Names)
                s.AppendLine(entry(name, option.File ? "@file" : option.Choices.Count > 0 ? Words(option.Choices) : "@any"));
        s.AppendLine(")");
    }

    /// <summary>The commands whose argument is a file, as one space-separated list of keys (spaces as _).</summary>
    private static string FileCommands(IReadOnlyList<Node> nodes) => Words(nodes.Where(n => n.FileArgument).Select(n => Key(n).Replace(' ', '_')));

    internal static string Bash(IReadOnlyList<Node> nodes)
    {
        var s = new StringBuilder();
        s.AppendLine("# bash completion for bgpactorsctl (generated by 'bgpactorsctl completions bash')");
        Tables(s, nodes, name => $"declare -A {name}=(", (key, value) => $"  [\"{key}\"]=\"{value}\"");
        s.AppendLine($"_bgpactorsctl_files=\" {FileCommands(nodes)} \"");
        s.Append("""
            _bgpactorsctl() {
              local cur=${COMP_WORDS[COMP_CWORD]} prev="" path=bgpactorsctl word i
              [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
              for ((i = 1; i < COMP_CWORD; i++)); do
                word=${COMP_WORDS[i]}
                if [[ $word == -* ]]; then
                  [[ -n ${_bgpactorsctl_values[$word]} && $word != *=* ]] && ((i++))
                  continue
                fi
                local next="$path $word"
                [[ -n ${_bgpactorsctl_options[$next]+set} ]] && path=$next
              done
              local values=${_bgpactorsctl_values[$prev]}
              if [[ -n $values ]]; then
                case $values in
                  @file) COMPREPLY=($(compgen -f -- "$cur")) ;;
                  @any) COMPREPLY=() ;;
                  *) COMPREPLY=($(compgen -W "$values" -- "$cur")) ;;
                esac
                return 0
              fi
              if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "${_bgpactorsctl_options[$path]}" -- "$cur"))
              elif [[ $_bgpactorsctl_files == *" ${path// /_} "* ]]; then
                COMPREPLY=($(compgen -f -- "$cur"))
              else
                COMPREPLY=($(compgen -W "${_bgpactorsctl_commands[$path]}" -- "$cur"))
              fi
              return 0
            }
            complete -F _bgpactorsctl bgpactorsctl

            """);
        return s.ToString();
    }

    internal static string Zsh(IReadOnlyList<Node> nodes)
    {
        var s = new StringBuilder();
        s.AppendLine("#compdef bgpactorsctl");
        s.AppendLine("# zsh completion for bgpactorsctl (generated by 'bgpactorsctl completions zsh')");
        s.AppendLine("typeset -gA _bgpactorsctl_commands _bgpactorsctl_options _bgpactorsctl_values");
        Tables(s, nodes, name => $"{name}=(", (key, value) => $"  '{key}' '{value}'");
        s.AppendLine($"typeset -g _bgpactorsctl_files=' {FileCommands(nodes)} '");
        s.Append("""
            _bgpactorsctl() {
              local path=bgpactorsctl word next i prev=${words[CURRENT-1]} cur=${words[CURRENT]}
              for ((i = 2; i < CURRENT; i++)); do
                word=${words[i]}
                if [[ $word == -* ]]; then
                  [[ -n ${_bgpactorsctl_values[$word]} && $word != *=* ]] && ((i++))
                  continue
                fi
                next="$path $word"
                (( ${+_bgpactorsctl_options[$next]} )) && path=$next
              done
              local values=${_bgpactorsctl_values[$prev]}
              if [[ -n $values ]]; then
                case $values in
                  @file) _files ;;
                  @any) _message 'value' ;;
                  *) compadd -- ${=values} ;;
                esac
                return
              fi
              if [[ $cur == -* ]]; then
                compadd -- ${=_bgpactorsctl_options[$path]}
              elif [[ $_bgpactorsctl_files == *" ${path// /_} "* ]]; then
                _files
              else
                compadd -- ${=_bgpactorsctl_commands[$path]}
              fi
            }
            if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
              _bgpactorsctl "$@"
            else
              compdef _bgpactorsctl bgpactorsctl
            fi

            """);
        return s.ToString();
    }

    internal static string Fish(IReadOnlyList<Node> nodes)
    {
        var s = new StringBuilder();
        s.AppendLine("# fish completion for bgpactorsctl (generated by 'bgpactorsctl completions fish')");
        s.AppendLine("function __bgpactorsctl_path");
        s.AppendLine("    set -l tokens (commandline -opc)");
        s.AppendLine("    set -l path");
        s.AppendLine("    set -l skip 0");
        s.AppendLine("    for token in $tokens[2..-1]");
        s.AppendLine("        if test $skip -eq 1; set skip 0; continue; end");
        s.AppendLine("        switch $token");
        var valued = nodes.SelectMany(n => n.Options).Where(o => o.TakesValue).SelectMany(o => o.Names).Distinct().ToList();
        s.AppendLine($"            case {Words(valued)}");
        s.AppendLine("                set skip 1; continue");
        s.AppendLine("            case '-*'");
        s.AppendLine("                continue");
        s.AppendLine("        end");
        s.AppendLine("        set -l next (string join ' ' $path $token)");
        s.AppendLine($"        if contains -- \"$next\" {Words(nodes.Where(n => n.Path.Length > 0).Select(n => $"'{n.Path}'"))}");
        s.AppendLine("            set path $path $token");
        s.AppendLine("        end");
        s.AppendLine("    end");
        s.AppendLine("    string join ' ' $path");
        s.AppendLine("end");
        s.AppendLine("function __bgpactorsctl_at");
        s.AppendLine("    set -l path (__bgpactorsctl_path)");
        s.AppendLine("    test \"$path\" = \"$argv[1]\"");
        s.AppendLine("end");
        s.AppendLine("complete -c bgpactorsctl -f");
        foreach (var node in nodes)
        {
            var condition = $"-n \"__bgpactorsctl_at '{node.Path}'\"";
            foreach (var sub in node.Subcommands) s.AppendLine($"complete -c bgpactorsctl {condition} -a '{sub}'");
            if (node.FileArgument) s.AppendLine($"complete -c bgpactorsctl {condition} -F");
            foreach (var option in node.Options)
            {
                var names = string.Join(' ', option.Names.Select(n => n.StartsWith("--", StringComparison.Ordinal) ? $"-l {n[2..]}" : $"-s {n[1..]}"));
                var value = !option.TakesValue ? "" : option.File ? " -r -F" : option.Choices.Count > 0 ? $" -x -a '{Words(option.Choices)}'" : " -x";
                s.AppendLine($"complete -c bgpactorsctl {condition} {names}{value}");
            }
        }
        return s.ToString();
    }
}
