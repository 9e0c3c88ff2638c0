//! The self-contained HTML report: one file, inline CSS and JS, no network access.
//!
//! The cleaned text is shown inline with every change in a `<mark class="ch">` coloured by
//! pass: applied changes hold their refined deletions (`<del>`) and insertions (`<ins>`),
//! suggestions (`class="ch s"`) the questioned text and their top candidate. Hovering a mark
//! shows its rule, confidence and candidates (a `title`); clicking it fills the detail panel.
//! Check boxes filter by pass and by applied/suggested through classes on `<body>` (CSS does
//! the hiding, so the cost does not grow with the number of marks), and each document has a
//! list of its suggestions to review and its summary counts. The DOM is linear in the input.
//!
//! Each document's text carries the `lang` of its script ([`crate::lang::detect`]: `zh`, `en`,
//! ...) under a page in English; text wraps at spaces and between CJK characters, and breaks
//! inside a word only when the word alone is wider than the line. The font stack names the CJK
//! fonts of common Linux, macOS and Windows installations before the generic family.
//!
//! With [`Options::explain`], the report also explains the rules it shows: a "Rules used" list
//! (a `<details>` element, readable with the keyboard) of every pass/rule that occurs with its
//! explanation, and each change's tooltip and detail panel end with its rule's explanation.
//!
//! Everything from the user (text, file names, candidates) is HTML-escaped; the page declares a
//! Content-Security-Policy that forbids any network access.

use std::fmt::Write as _;

use ocrtidy_core::{Change, PassId};

use crate::lang;
use crate::summary::Summary;
use crate::tokens::{refine, Piece};
use crate::{in_output_order, visible, Document};

/// Looks up a rule's one-paragraph explanation by pass name and rule name (as in the ledger:
/// `"typo"`, `"confusion"`).
pub type Explain<'a> = dyn Fn(&str, &str) -> Option<&'static str> + 'a;

/// What [`render_with`] adds to the default report.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// Explanations of the rules; `None` (the default) leaves them out.
    pub explain: Option<&'a Explain<'a>>,
}

impl<'a> Options<'a> {
    /// Options that explain each rule with `explain(pass, rule)`.
    pub fn explain(mut self, explain: &'a Explain<'a>) -> Self {
        self.explain = Some(explain);
        self
    }
}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("explain", &self.explain.map(|_| "Fn(pass, rule)"))
            .finish()
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Pass colours, by pipeline position (cycled).
const PALETTE: [&str; 12] = [
    "#8ecae6", "#ffb703", "#90be6d", "#f4a261", "#cdb4db", "#f28482", "#84a59d", "#e9c46a",
    "#a8dadc", "#ffafcc", "#b5e48c", "#bdb2ff",
];

fn pass_color(p: PassId) -> &'static str {
    // Built-in passes keep their colours; another pass gets one from its name.
    let index = if p.is_builtin() {
        p.order()
    } else {
        p.name().bytes().map(usize::from).sum()
    };
    PALETTE[index % PALETTE.len()]
}

const STYLE: &str = r#"
body{font:15px/1.7 "Noto Serif CJK SC","Noto Sans CJK SC","Source Han Serif SC","Source Han Sans SC","Songti SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei","WenQuanYi Zen Hei","Droid Sans Fallback","AR PL UMing CN","AR PL UMing TW",serif;margin:0;color:#222;background:#fafafa}
header,nav,section{padding:.6em 1.2em}
header{background:#fff;border-bottom:1px solid #ddd}
h1{font-size:1.25em;margin:.2em 0} h2{font-size:1.1em;margin:.4em 0}
table{border-collapse:collapse;font-size:.9em} td,th{border:1px solid #ddd;padding:.1em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}
nav{position:sticky;top:0;background:#f0f0f0;border-bottom:1px solid #ddd;font-size:.9em;z-index:2}
nav label{margin-right:1em;white-space:nowrap}
.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:middle;margin-right:.25em}
.text{white-space:pre-wrap;overflow-wrap:anywhere;word-break:normal;line-break:auto;background:#fff;border:1px solid #ddd;padding:1em;max-width:60em}
.chunk{content-visibility:auto;contain-intrinsic-size:auto 40em}
mark.ch{background:var(--c);border-radius:2px;cursor:pointer;color:inherit}
mark.ch del{color:#b00020;text-decoration:line-through}
mark.ch ins{color:#005a00;text-decoration:none;font-weight:600}
mark.s{background:none;border-bottom:2px dashed var(--c)}
mark.s .cand{color:#7a4d00;font-size:.8em;vertical-align:super}
mark.sel{outline:2px solid #000}
body.view-clean mark.ch del,body.view-clean mark.s .cand{display:none}
body.hide-a mark.a,body.hide-s mark.s{background:none;border:0}
body.hide-a mark.a del,body.hide-s mark.s .cand{display:none}
#detail{position:fixed;right:1em;bottom:1em;max-width:28em;background:#fff;border:1px solid #888;padding:.6em .9em;box-shadow:0 2px 8px #0003;font-size:.9em;white-space:pre-wrap;overflow-wrap:anywhere}
ol.sugg li{margin:.2em 0}
"#;

/// Style of the rules list, with [`Options::explain`].
const RULES_STYLE: &str =
    "dl.rules{max-width:60em;font-size:.9em}dl.rules dt{font-weight:600;margin-top:.4em}dl.rules dd{margin:0 0 0 1.5em}";

const SCRIPT: &str = r#"
(function(){
  var body=document.body;
  document.querySelectorAll('nav input[data-toggle]').forEach(function(box){
    box.addEventListener('change',function(){body.classList.toggle(box.dataset.toggle,!box.checked);});
  });
  var view=document.getElementById('view-clean');
  if(view){view.addEventListener('change',function(){body.classList.toggle('view-clean',view.checked);});}
  var panel=document.getElementById('detail'), selected=null;
  document.addEventListener('click',function(e){
    var m=e.target.closest?e.target.closest('mark.ch'):null;
    if(!m){return;}
    if(selected){selected.classList.remove('sel');}
    selected=m; m.classList.add('sel');
    panel.textContent=m.title; panel.hidden=false;
  });
  body.dataset.ready='1';
})();
"#;

/// With [`Options::explain`]: each change's tooltip and detail panel end with its rule's
/// explanation, taken from the rules list (`<dt data-rule="pass/rule">` then its `<dd>`) the
/// first time the change is pointed at or clicked, so the page holds each explanation once.
const EXPLAIN_SCRIPT: &str = r#"
(function(){
  var rules={};
  document.querySelectorAll('dl.rules dt[data-rule]').forEach(function(dt){rules[dt.dataset.rule]=dt.nextElementSibling.textContent;});
  function explain(e){
    var m=e.target.closest?e.target.closest('mark.ch'):null;
    if(!m||m.dataset.explained){return;}
    m.dataset.explained='1';
    var k=m.title.split(' \u00b7 ')[0];
    if(rules[k]){m.title+='\n\n'+rules[k];}
  }
  document.addEventListener('mouseover',explain);
  document.addEventListener('focusin',explain);
  document.addEventListener('click',explain,true);
})();
"#;

fn title_of(c: &Change) -> String {
    let mut t = format!(
        "{}/{} · {} · confidence {:.2}",
        c.pass.name(),
        c.rule,
        if c.applied { "applied" } else { "suggested" },
        c.confidence
    );
    let _ = write!(t, "\n{} → {}", visible(&c.before), visible(&c.after));
    if !c.candidates.is_empty() {
        t.push_str("\ncandidates:");
        for k in &c.candidates {
            let _ = write!(t, " {} ({:.2})", visible(&k.text), k.score);
        }
    }
    for s in &c.history {
        let _ = write!(
            t,
            "\nafter {}/{} ({:.2})",
            s.pass.name(),
            s.rule,
            s.confidence
        );
    }
    t
}

fn push_mark(out: &mut String, doc_no: usize, no: usize, c: &Change, span: &str) {
    let _ = write!(
        out,
        "<mark id=\"c{doc_no}-{no}\" class=\"ch {} p-{}\" title=\"",
        if c.applied { "a" } else { "s" },
        c.pass.name(),
    );
    escape_into(out, &title_of(c));
    out.push_str("\">");
    if c.applied {
        for piece in refine(&c.before, &c.after) {
            match piece {
                Piece::Same(t) => escape_into(out, t),
                Piece::Del(t) => {
                    out.push_str("<del>");
                    escape_into(out, &visible(t));
                    out.push_str("</del>");
                }
                Piece::Ins(t) => {
                    out.push_str("<ins>");
                    escape_into(out, t);
                    out.push_str("</ins>");
                }
            }
        }
    } else {
        escape_into(out, span);
        let top = c
            .candidates
            .first()
            .map_or(c.after.as_str(), |k| k.text.as_str());
        out.push_str("<span class=\"cand\">→");
        escape_into(out, &visible(top));
        out.push_str("</span>");
    }
    out.push_str("</mark>");
}

/// Bytes of HTML per text block. Blocks end at a line break outside any mark and are laid out
/// only when they scroll into view (`content-visibility: auto`), which keeps multi-MB reports
/// fast to open.
const CHUNK: usize = 16 * 1024;

fn push_plain(out: &mut String, text: &str, filled: &mut usize) {
    for piece in text.split_inclusive('\n') {
        let before = out.len();
        escape_into(out, piece);
        *filled += out.len() - before;
        if piece.ends_with('\n') && *filled >= CHUNK {
            out.push_str("</div><div class=\"chunk\">");
            *filled = 0;
        }
    }
}

fn push_head(out: &mut String, title: &str) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
    escape_into(out, title);
    out.push_str("</title><style>");
    out.push_str(STYLE);
    out.push_str("</style></head>\n<body>\n");
}

/// Opens the text block of `text`, tagged with its language.
fn open_text(out: &mut String, text: &str) {
    let _ = write!(out, "<div class=\"text\" lang=\"{}\">", lang::detect(text));
}

/// The rules list: every pass/rule of the documents' changes that `explain` explains, in
/// pipeline and then rule order. Whether there was any.
fn push_rules(out: &mut String, docs: &[Document<'_>], explain: &Explain<'_>) -> bool {
    let mut rules: Vec<(PassId, &str)> = docs
        .iter()
        .flat_map(|d| d.changes.iter().map(|c| (c.pass, c.rule)))
        .collect();
    rules.sort();
    rules.dedup();
    let explained: Vec<_> = rules
        .into_iter()
        .filter_map(|(p, r)| Some((p, r, explain(p.name(), r)?)))
        .collect();
    if explained.is_empty() {
        return false;
    }
    let _ = write!(
        out,
        "<style>{RULES_STYLE}</style><details class=\"rules\"><summary>Rules used ({})</summary><dl class=\"rules\">",
        explained.len()
    );
    for (p, r, text) in explained {
        let key = format!("{}/{}", p.name(), r);
        out.push_str("<dt id=\"rule-");
        escape_into(out, &key.replace('/', "-"));
        out.push_str("\" data-rule=\"");
        escape_into(out, &key);
        let _ = write!(
            out,
            "\"><span class=\"sw\" style=\"background:{}\"></span>",
            pass_color(p)
        );
        escape_into(out, &key);
        out.push_str("</dt><dd>");
        escape_into(out, text);
        out.push_str("</dd>");
    }
    out.push_str("</dl></details>");
    true
}

/// Renders the change report of one or more documents.
pub fn render(docs: &[Document<'_>]) -> String {
    render_with(docs, &Options::default())
}

/// [`render`] with options: rule explanations.
pub fn render_with(docs: &[Document<'_>], options: &Options<'_>) -> String {
    let total: usize = docs
        .iter()
        .map(|d| d.output.len() + d.changes.len() * 200)
        .sum();
    let mut out = String::with_capacity(total + 8192);
    push_head(&mut out, "ocrtidy change report");
    // Summary over all documents.
    let mut passes: Vec<PassId> = docs
        .iter()
        .flat_map(|d| d.changes.iter().map(|c| c.pass))
        .collect();
    passes.sort();
    passes.dedup();
    let sums: Vec<Summary> = docs.iter().map(Summary::of).collect();
    out.push_str("<header><h1>ocrtidy change report</h1><table><tr><th>pass</th><th>applied</th><th>suggested</th></tr>");
    for p in &passes {
        let (mut a, mut s) = (0, 0);
        for sum in &sums {
            if let Some(t) = sum.by_pass.get(p.name()) {
                a += t.applied;
                s += t.suggested;
            }
        }
        let _ = write!(
            out,
            "<tr><td><span class=\"sw\" style=\"background:{}\"></span>{}</td><td>{a}</td><td>{s}</td></tr>",
            pass_color(*p),
            p.name()
        );
    }
    let (ta, ts): (usize, usize) = sums
        .iter()
        .fold((0, 0), |(a, s), x| (a + x.applied, s + x.suggested));
    let _ = write!(
        out,
        "<tr><th>total</th><th id=\"n-applied\">{ta}</th><th id=\"n-suggested\">{ts}</th></tr></table>"
    );
    let explained = options
        .explain
        .is_some_and(|explain| push_rules(&mut out, docs, explain));
    out.push_str("</header>\n");
    // Filters.
    out.push_str("<nav>");
    for p in &passes {
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" checked data-toggle=\"hide-p-{0}\"><span class=\"sw\" style=\"background:{1}\"></span>{0}</label>",
            p.name(),
            pass_color(*p)
        );
    }
    out.push_str("<label><input type=\"checkbox\" checked data-toggle=\"hide-a\">applied</label>");
    out.push_str(
        "<label><input type=\"checkbox\" checked data-toggle=\"hide-s\">suggested</label>",
    );
    out.push_str("<label><input type=\"checkbox\" id=\"view-clean\">cleaned text only</label></nav>\n<style>");
    for p in &passes {
        let n = p.name();
        let _ = write!(out, "mark.p-{n}{{--c:{}}}", pass_color(*p));
        let _ = write!(
            out,
            "body.hide-p-{n} mark.p-{n}{{background:none;border:0}}body.hide-p-{n} mark.p-{n} del,body.hide-p-{n} mark.p-{n} .cand{{display:none}}"
        );
    }
    out.push_str("</style>\n");
    for (d, doc) in docs.iter().enumerate() {
        out.push_str("<section class=\"doc\"><h2>");
        escape_into(&mut out, doc.name);
        let s = &sums[d];
        let _ = write!(
            out,
            "</h2><p class=\"counts\">{} changes: {} applied, {} suggested · {} → {} bytes</p>",
            s.changes, s.applied, s.suggested, s.input_bytes, s.output_bytes
        );
        open_text(&mut out, doc.output);
        out.push_str("<div class=\"chunk\">");
        let mut pos = 0;
        let mut filled = 0;
        let order = in_output_order(doc.output, doc.changes);
        for &(i, c) in &order {
            push_plain(&mut out, &doc.output[pos..c.out_start], &mut filled);
            let before = out.len();
            push_mark(&mut out, d, i, c, &doc.output[c.out_start..c.out_end]);
            filled += out.len() - before;
            pos = c.out_end;
        }
        push_plain(&mut out, &doc.output[pos..], &mut filled);
        out.push_str("</div></div>\n");
        let sugg: Vec<_> = order.iter().filter(|(_, c)| !c.applied).collect();
        let _ = write!(
            out,
            "<details open><summary>Suggestions to review ({})</summary><ol class=\"sugg\">",
            sugg.len()
        );
        for (i, c) in sugg {
            let top = c
                .candidates
                .first()
                .map_or(c.after.as_str(), |k| k.text.as_str());
            let _ = write!(out, "<li><a href=\"#c{d}-{i}\">");
            escape_into(&mut out, &visible(&c.before));
            out.push_str(" → ");
            escape_into(&mut out, &visible(top));
            out.push_str("</a> <small>");
            let rule = format!("{}/{}", c.pass.name(), escape(c.rule));
            if options
                .explain
                .is_some_and(|f| f(c.pass.name(), c.rule).is_some())
            {
                let _ = write!(
                    out,
                    "<a href=\"#rule-{}\">{rule}</a>",
                    rule.replace('/', "-")
                );
            } else {
                out.push_str(&rule);
            }
            let _ = write!(out, " {:.2}</small></li>", c.confidence);
        }
        out.push_str("</ol></details></section>\n");
    }
    out.push_str("<div id=\"detail\" hidden></div>\n<script>");
    out.push_str(SCRIPT);
    if explained {
        out.push_str(EXPLAIN_SCRIPT);
    }
    out.push_str("</script></body></html>\n");
    out
}

/// One record of an evaluation page: its key and texts.
pub struct EvalRecord<'a> {
    pub key: String,
    pub metrics: String,
    pub gt: &'a str,
    pub raw: &'a str,
    pub cleaned: &'a str,
}

/// Renders an evaluation report: a table (first row is the header) and, per record, the
/// ground truth beside the raw and cleaned output.
pub fn render_eval(title: &str, table: &[Vec<String>], records: &[EvalRecord<'_>]) -> String {
    let mut out = String::new();
    push_head(&mut out, title);
    out.push_str("<style>.cols{display:grid;grid-template-columns:1fr 1fr 1fr;gap:.6em}.cols .text{max-width:none;font-size:.9em}</style><header><h1>");
    escape_into(&mut out, title);
    out.push_str("</h1><table>");
    for (r, row) in table.iter().enumerate() {
        out.push_str("<tr>");
        for cell in row {
            let tag = if r == 0 { "th" } else { "td" };
            let _ = write!(out, "<{tag}>");
            escape_into(&mut out, cell);
            let _ = write!(out, "</{tag}>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></header>\n");
    for rec in records {
        out.push_str("<section><details><summary>");
        escape_into(&mut out, &rec.key);
        out.push_str(" — ");
        escape_into(&mut out, &rec.metrics);
        out.push_str("</summary><div class=\"cols\">");
        for (h, t) in [
            ("ground truth", rec.gt),
            ("raw OCR", rec.raw),
            ("cleaned", rec.cleaned),
        ] {
            let _ = write!(out, "<div><h2>{h}</h2>");
            open_text(&mut out, t);
            escape_into(&mut out, t);
            out.push_str("</div></div>");
        }
        out.push_str("</div></details></section>\n");
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocrtidy_core::Candidate;

    /// A trailing-space deletion and a typo suggestion in `<script>alert(1)</script>  \n己经`.
    fn two_changes() -> [Change; 2] {
        [
            Change {
                pass: PassId::TrailingSpace,
                rule: "line-end",
                start: 25,
                end: 27,
                char_start: 25,
                char_end: 27,
                before: "  ".into(),
                after: "".into(),
                confidence: 1.0,
                applied: true,
                candidates: vec![],
                out_start: 25,
                out_end: 25,
                history: vec![],
            },
            Change {
                pass: PassId::Typo,
                rule: "confusion",
                start: 28,
                end: 31,
                char_start: 28,
                char_end: 29,
                before: "己".into(),
                after: "已".into(),
                confidence: 0.6,
                applied: false,
                candidates: vec![Candidate::new("已", 0.6), Candidate::new("<b>", 0.1)],
                out_start: 26,
                out_end: 29,
                history: vec![],
            },
        ]
    }

    const ORIGINAL: &str = "<script>alert(1)</script>  \n己经";
    const OUTPUT: &str = "<script>alert(1)</script>\n己经";

    #[test]
    fn marks_every_change_and_escapes_user_text() {
        let changes = two_changes();
        let html = render(&[Document {
            name: "a<b>.txt",
            original: ORIGINAL,
            output: OUTPUT,
            changes: &changes,
        }]);
        assert_eq!(html.matches("<mark ").count(), 2);
        assert_eq!(
            html.matches("<script>").count(),
            1,
            "only the report's own script"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("a&lt;b&gt;.txt"));
        assert!(html.contains("&lt;b&gt; (0.10)"));
        assert!(html.contains("class=\"ch s p-typo\""));
        assert!(html.contains("Suggestions to review (1)"));
        assert!(!html.contains("http://") && !html.contains("https://"));
        // Without explanations: no rules list and no explaining script.
        assert!(!html.contains("Rules used") && !html.contains("dl.rules"));
    }

    #[test]
    fn text_is_tagged_with_its_language_and_wraps_at_spaces() {
        let changes: [Change; 0] = [];
        let zh = "第一段的文字。";
        let en = "The quick brown fox jumps over the lazy dog.";
        let html = render(&[
            Document {
                name: "zh.txt",
                original: zh,
                output: zh,
                changes: &changes,
            },
            Document {
                name: "en.txt",
                original: en,
                output: en,
                changes: &changes,
            },
        ]);
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("<div class=\"text\" lang=\"zh\"><div class=\"chunk\">第一段"));
        assert!(html.contains("<div class=\"text\" lang=\"en\"><div class=\"chunk\">The quick"));
        assert!(!html.contains("break-all"));
        assert!(html.contains("overflow-wrap:anywhere"));
        for font in [
            "Noto Sans CJK SC",
            "Noto Serif CJK SC",
            "Source Han Sans SC",
            "WenQuanYi Micro Hei",
            "WenQuanYi Zen Hei",
            "Droid Sans Fallback",
            "AR PL UMing",
        ] {
            assert!(html.contains(font), "{font}");
        }
        let eval = render_eval(
            "eval",
            &[vec!["a".into()]],
            &[EvalRecord {
                key: "k".into(),
                metrics: "m".into(),
                gt: zh,
                raw: en,
                cleaned: zh,
            }],
        );
        assert_eq!(eval.matches("<div class=\"text\" lang=\"zh\">").count(), 2);
        assert_eq!(eval.matches("<div class=\"text\" lang=\"en\">").count(), 1);
    }

    #[test]
    fn explains_the_rules_that_occur() {
        let changes = two_changes();
        let doc = Document {
            name: "a.txt",
            original: ORIGINAL,
            output: OUTPUT,
            changes: &changes,
        };
        let explain = |pass: &str, rule: &str| match (pass, rule) {
            ("typo", "confusion") => Some("A character that <looks> like another & fits worse."),
            ("typo", "unused") => Some("never shown"),
            _ => None,
        };
        let html = render_with(&[doc], &Options::default().explain(&explain));
        assert!(html.contains("<summary>Rules used (1)</summary>"));
        assert!(html.contains("<dt id=\"rule-typo-confusion\" data-rule=\"typo/confusion\">"));
        assert!(
            html.contains("<dd>A character that &lt;looks&gt; like another &amp; fits worse.</dd>")
        );
        assert!(!html.contains("never shown") && !html.contains("trailing-space/line-end</dt>"));
        // The suggestion links to its rule; the marks are the same as without explanations.
        assert!(html.contains("<a href=\"#rule-typo-confusion\">typo/confusion</a>"));
        assert_eq!(html.matches("<mark ").count(), 2);
        assert_eq!(html.matches("<script>").count(), 1);
        assert!(html.contains("dataset.explained"));
        // Explanations that explain nothing that occurs add nothing.
        let none = |_: &str, _: &str| None;
        assert_eq!(
            render_with(&[doc], &Options::default().explain(&none)),
            render(&[doc])
        );
    }
}
