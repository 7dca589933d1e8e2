//! The spec's descriptions, written in Markdown for a web page, as plain text for a terminal's
//! help and an agent's tool description: line breaks (`<br>`) as lines, headings and emphasis
//! without their marks, a link as its text and its address. What is not markup (`[1]`,
//! `{{placeholders}}`, any language) stays as written.

/// `markdown` as plain text.
pub fn plain(markdown: &str) -> String {
    let mut lines = Vec::new();
    for line in markdown
        .replace("<br/>", "\n")
        .replace("<br />", "\n")
        .replace("<br>", "\n")
        .lines()
    {
        let trimmed = line.trim_start();
        let heading = trimmed.trim_start_matches('#');
        let line = if heading.len() < trimmed.len() && (heading.is_empty() || heading.starts_with(' ')) {
            heading.trim()
        } else {
            line
        };
        lines.push(inline(line));
    }
    lines.join("\n").trim().to_string()
}

/// One line: emphasis marks and code ticks dropped, `[text](url)` as `text (url)`.
fn inline(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        match link(after) {
            Some((text, url, used)) => {
                out.push_str(&format!("{text} ({url})"));
                rest = &after[used..];
            }
            None => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    let out = out.replace("**", "").replace("__", "").replace('`', "");
    // A single `*` or `_` around a word is emphasis; elsewhere (`a * b`, `snake_case`) it is text.
    let mut plain = String::new();
    let chars: Vec<char> = out.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let opens =
            *c == '*' && before.is_none_or(|b| !b.is_alphanumeric()) && after.is_some_and(|a| a.is_alphanumeric());
        let closes =
            *c == '*' && before.is_some_and(|b| b.is_alphanumeric()) && after.is_none_or(|a| !a.is_alphanumeric());
        if !(opens || closes) {
            plain.push(*c);
        }
    }
    plain
}

/// `[text](url)` at the start of `text`: the text, the url and the bytes used.
fn link(text: &str) -> Option<(&str, &str, usize)> {
    let close = text.find("](")?;
    let label = &text[1..close];
    let after = &text[close + 2..];
    let end = after.find(')')?;
    let url = &after[..end];
    (!label.contains('[') && !url.contains(char::is_whitespace)).then_some((label, url, close + 2 + end + 1))
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn web_markdown_reads_as_plain_text() {
        assert_eq!(
            plain(
                "## after\nOne of the values. *Note*: a value may appear.<br>Such as [1] or {{default}} (café, ü, ✓)."
            ),
            "after\nOne of the values. Note: a value may appear.\nSuch as [1] or {{default}} (café, ü, ✓)."
        );
        assert_eq!(
            plain("What `cursor` holds. See https://example.com/x or [the rules](https://example.com/r)."),
            "What cursor holds. See https://example.com/x or the rules (https://example.com/r)."
        );
        assert_eq!(plain("a * b and snake_case_name"), "a * b and snake_case_name");
    }
}
