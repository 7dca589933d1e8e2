//! The spec's descriptions as rustdoc. A description is Markdown written for a web page: bare
//! URLs, `<br>`, placeholders such as `<value>`, footnote marks such as `[1]` and indented lines
//! are each a rustdoc warning (a bare URL, an unclosed HTML tag, a broken intra-doc link) or a
//! doctest (a code block). Every text of the spec that becomes documentation goes through
//! [`rustdoc`]: the generators here call it, and every `#[doc]` of typify's types is passed
//! through it ([`sanitize_items`]). URLs become autolinks, brackets that are not links are escaped,
//! `<` that does not open a line break or an autolink is escaped, indentation is kept under a code
//! block's, and a code fence without a language is `text`. Text inside code spans and fences is
//! left as written.

use syn::visit_mut::VisitMut;

/// Every doc attribute of `items` (typify's types, whose docs are the spec's descriptions), made
/// safe for rustdoc.
pub fn sanitize_items(items: &mut [syn::Item]) {
    struct Docs;
    impl VisitMut for Docs {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if !attr.path().is_ident("doc") {
                return;
            }
            let syn::Meta::NameValue(pair) = &mut attr.meta else {
                return;
            };
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &mut pair.value
            else {
                return;
            };
            let safe = rustdoc(&text.value());
            if safe != text.value() {
                *text = syn::LitStr::new(&safe, text.span());
            }
        }
    }
    for item in items {
        Docs.visit_item_mut(item);
    }
}

/// `markdown` as rustdoc reads it without a warning or a doctest (see the module's documentation).
pub fn rustdoc(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for line in markdown.split('\n') {
        let trimmed = line.trim_start();
        let marker: String = trimmed.chars().take_while(|c| *c == '`' || *c == '~').collect();
        if marker.len() >= 3 && marker.chars().all(|c| c == marker.chars().next().unwrap_or('`')) {
            match &fence {
                None => {
                    let language = trimmed[marker.len()..].trim();
                    let indent = &line[..line.len() - trimmed.len()];
                    let indent = &indent[..indent.len().min(3)];
                    // A fence without a language (or a Rust one) would be compiled as a doctest.
                    let language = if language.is_empty() || language.starts_with("rust") {
                        "text"
                    } else {
                        language
                    };
                    out.push(format!("{indent}{marker}{language}"));
                    fence = Some(marker);
                }
                Some(open) if trimmed.starts_with(open.as_str()) && trimmed[marker.len()..].trim().is_empty() => {
                    out.push(line.to_string());
                    fence = None;
                }
                Some(_) => out.push(line.to_string()),
            }
            continue;
        }
        if fence.is_some() {
            out.push(line.to_string());
            continue;
        }
        // Four spaces (or a tab) after a blank line would start an indented code block: a
        // doctest. (Within a paragraph they only continue it.)
        let indent = &line[..line.len() - trimmed.len()];
        let starts_block = out.last().is_none_or(|previous: &String| previous.trim().is_empty());
        let indent = if starts_block {
            " ".repeat(indent.replace('\t', "    ").len().min(3))
        } else {
            indent.to_string()
        };
        out.push(format!("{indent}{}", inline(trimmed)));
    }
    if fence.is_some() {
        out.push(fence.unwrap_or_default());
    }
    out.join("\n")
}

/// One line outside code blocks: code spans kept, the rest made safe.
fn inline(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while !rest.is_empty() {
        let Some(start) = rest.find('`') else {
            out.push_str(&prose(rest));
            break;
        };
        let ticks = rest[start..].chars().take_while(|c| *c == '`').count();
        let after = &rest[start + ticks..];
        let closing = "`".repeat(ticks);
        match after.find(&closing) {
            Some(end) => {
                out.push_str(&prose(&rest[..start]));
                out.push_str(&rest[start..start + ticks + end + ticks]);
                rest = &after[end + ticks..];
            }
            None => {
                // An unmatched backtick is text.
                out.push_str(&prose(&rest[..start]));
                out.push_str(&"\\`".repeat(ticks));
                rest = after;
            }
        }
    }
    out
}

/// Text that is not code: links kept, bare URLs made autolinks, other brackets and `<` escaped.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..].iter().collect();
        // A Markdown link `[text](target)`: kept (its text made safe).
        if chars[i] == '['
            && let Some((label, target, used)) = link(&rest)
        {
            out.push('[');
            out.push_str(&prose(&label));
            out.push_str("](");
            out.push_str(&target);
            out.push(')');
            i += used;
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let url: String = chars[i..]
                .iter()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '"' | '`'))
                .collect();
            let url = url.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', ']']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            i += url.chars().count();
            continue;
        }
        match chars[i] {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => {
                let lower = rest.to_ascii_lowercase();
                let line_break = ["<br>", "<br/>", "<br />"].into_iter().find(|b| lower.starts_with(b));
                match line_break {
                    Some(tag) => {
                        out.push_str("<br>");
                        i += tag.len();
                        continue;
                    }
                    None => out.push_str("&lt;"),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// `[label](target)` at the start of `text`: the label, the target and the characters used.
fn link(text: &str) -> Option<(String, String, usize)> {
    let close = text.find("](")?;
    let label = &text[1..close];
    if label.contains('[') || label.contains(']') {
        return None;
    }
    let after = &text[close + 2..];
    let end = after.find(')')?;
    let target = &after[..end];
    if target.is_empty() || target.contains(char::is_whitespace) {
        return None;
    }
    let used = text[..close + 2 + end + 1].chars().count();
    Some((label.to_string(), target.to_string(), used))
}

#[cfg(test)]
mod tests {
    use super::rustdoc;

    #[test]
    fn markdown_from_a_web_page_becomes_rustdoc_without_warnings() {
        assert_eq!(
            rustdoc("See https://example.com/reference/cursor for the rules."),
            "See <https://example.com/reference/cursor> for the rules."
        );
        assert_eq!(
            rustdoc("Values such as [1] or {{default}}.<br>Use `<value>` or <value>."),
            "Values such as \\[1\\] or {{default}}.<br>Use `<value>` or &lt;value>."
        );
        assert_eq!(
            rustdoc("A [link](https://example.com) stays."),
            "A [link](https://example.com) stays."
        );
        assert_eq!(
            rustdoc("## after\nOne of *these*: café, ü, ✓"),
            "## after\nOne of *these*: café, ü, ✓"
        );
        // Indentation that would make a doctest.
        assert_eq!(
            rustdoc("Steps:\n\n    cargo run\n\n\tx"),
            "Steps:\n\n   cargo run\n\n   x"
        );
        // Within a paragraph, indentation only continues it.
        assert_eq!(rustdoc("* a list item\n    continued"), "* a list item\n    continued");
        assert_eq!(rustdoc("```\nfn main() {}\n```"), "```text\nfn main() {}\n```");
        assert_eq!(
            rustdoc("```json\n{\"a\": \"[1] https://x\"}\n```"),
            "```json\n{\"a\": \"[1] https://x\"}\n```"
        );
        assert_eq!(rustdoc("an odd ` tick"), "an odd \\` tick");
        assert_eq!(
            rustdoc("(see https://example.com/a)."),
            "(see <https://example.com/a>)."
        );
    }
}
