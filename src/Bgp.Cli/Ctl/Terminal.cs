using Google.Protobuf;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Bgp.Cli.Ctl;

/// <summary>
/// Where a command writes: tables and colour through Spectre.Console on stdout, JSON as the proto3
/// JSON mapping of the response messages, errors as one line on stderr. Colour only on a terminal
/// and without NO_COLOR; off a terminal lines are never wrapped, so output stays greppable.
/// </summary>
internal sealed class Terminal
{
    /// <summary>Every field, defaults included, so a script finds each key whatever its value.</summary>
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public Terminal(TextWriter stdout, TextWriter stderr, bool isTerminal)
    {
        Out = stdout;
        Error = stderr;
        IsTerminal = isTerminal;
        Colour = isTerminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && Environment.GetEnvironmentVariable("TERM") != "dumb";
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = Colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        });
        // Tables are as wide as their content: a narrow terminal wraps long rows rather than
        // Spectre shortening cells with an ellipsis, and off a terminal nothing is wrapped at 80.
        Console.Profile.Width = 4096;
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public bool IsTerminal { get; }
    public bool Colour { get; }
    public IAnsiConsole Console { get; }

    public static string ToJson(IMessage message) => Json.Format(message);

    public void WriteJson(IMessage message) => Out.WriteLine(ToJson(message));

    /// <summary>Renders through Spectre.Console, without the padding it leaves at the end of lines.</summary>
    public void Write(IRenderable renderable)
    {
        var buffer = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = Colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(buffer),
        });
        console.Profile.Width = Console.Profile.Width;
        console.Write(renderable);
        foreach (var line in buffer.ToString().Split('\n').SkipLast(1)) Out.WriteLine(line.TrimEnd());
    }

    public void Line(string markup = "") => Console.MarkupLine(markup);

    /// <summary>A table in the CLI's style: no box, bold headings, columns aligned.</summary>
    public static Table NewTable(params string[] headings)
    {
        var table = new Table { Border = TableBorder.None, ShowHeaders = true };
        foreach (var heading in headings)
        {
            var column = new TableColumn($"[bold]{Markup.Escape(heading)}[/]") { Padding = new Padding(0, 0, 2, 0), NoWrap = true };
            table.AddColumn(column);
        }
        return table;
    }

    /// <summary>Two columns, name and value, for one object's fields.</summary>
    public static Table NewDetails() => NewTable("", "").HideHeaders();
}
