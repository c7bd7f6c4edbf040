# Renders a clab template (see README.md, "Template syntax") with the NAME=VALUE lines of VARS.
#   awk -v VARS=dir/vars -f render.awk template > output
# {{NAME}} is replaced by the value; a line holding only {{#NAME}} ... {{/NAME}} repeats its body once per
# item of NAME (items are separated by spaces or commas, {{.}} is the item; "", 0, false, no render nothing);
# {{^NAME}} ... {{/NAME}} renders its body once when NAME is empty or false.
# tests/Bgp.Interop.Tests/Lab/TemplateRenderer.cs implements the same rules.
BEGIN {
    while ((getline line < VARS) > 0) {
        eq = index(line, "=")
        if (eq > 1) vars[substr(line, 1, eq - 1)] = substr(line, eq + 1)
    }
}
{ lines[++n] = $0 }
END { render(1, n, "") }

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function truthy(v) { v = trim(v); return v != "" && v != "0" && v != "false" && v != "no" }

# "#", "^" or "/" when the line is a lone section marker, "" otherwise; the name goes to MARK_NAME.
function marker(s,   t, k) {
    t = trim(s)
    if (substr(t, 1, 2) != "{{" || substr(t, length(t) - 1) != "}}") return ""
    k = substr(t, 3, 1)
    if (k != "#" && k != "^" && k != "/") return ""
    MARK_NAME = substr(t, 4, length(t) - 5)
    return k
}

function substitute(s, dot,   out, p, q, name) {
    out = ""
    while ((p = index(s, "{{")) > 0) {
        q = index(substr(s, p + 2), "}}")
        if (q == 0) break
        name = substr(s, p + 2, q - 1)
        out = out substr(s, 1, p - 1) (name == "." ? dot : vars[name])
        s = substr(s, p + q + 3)
    }
    return out s
}

function render(from, to, dot,   i, j, k, name, depth, v, count, item, parts) {
    i = from
    while (i <= to) {
        k = marker(lines[i])
        if (k == "#" || k == "^") {
            name = MARK_NAME
            depth = 1
            for (j = i + 1; j <= to; j++) {
                if (marker(lines[j]) != "" && MARK_NAME == name) {
                    if (substr(trim(lines[j]), 3, 1) == "/") depth--; else depth++
                    if (depth == 0) break
                }
            }
            if (j > to) { print "render.awk: unclosed {{" k name "}} at line " i > "/dev/stderr"; exit 1 }
            v = trim(vars[name])
            if (k == "^") {
                if (!truthy(v)) render(i + 1, j - 1, dot)
            } else if (truthy(v)) {
                count = split(v, parts, /[ \t,]+/)
                for (item = 1; item <= count; item++) {
                    split(v, parts, /[ \t,]+/)   # parts is global: re-split after each nested render
                    render(i + 1, j - 1, parts[item])
                }
            }
            i = j + 1
        } else if (k == "/") {
            print "render.awk: stray {{/" MARK_NAME "}} at line " i > "/dev/stderr"; exit 1
        } else {
            print substitute(lines[i], dot)
            i++
        }
    }
}
