//! Layout behaviour on generated input. The cases of the layout passes (input, expected output,
//! the rules in the ledger) are in `tests/cases/{line-join,furniture,dehyphenate,
//! split-fragments}.cases` at the workspace root.

use ocrtidy_core::{Context, Pass, Runner};
use ocrtidy_layout::SplitFragments;

#[test]
fn split_fragments_far_and_long() {
    // Lines in a row that all start mid-sentence: the rest of the open paragraph when the run
    // ends a sentence, however long it is; left alone when the run stays open.
    let only = |input: &str| {
        let passes: Vec<Box<dyn Pass>> = vec![Box::new(SplitFragments::default())];
        Runner::new(passes).run(input, &Context::default())
    };
    for (run, last, joined) in [
        (3, "，最后一行结束了这个句子。", true),
        (400, "，最后一行结束了这个句子。", true),
        (3, "，最后一行没有结束这个句子", false),
    ] {
        let mut input = String::from(
            "第一段介绍了这个系统的背景和它要解决的主要问题。\n这一部分说明了系统的基本结构和主要的\n",
        );
        for _ in 0..run {
            input.push_str("，以及各个模块之间的关系和它们的接口以及\n");
        }
        input.push_str(last);
        input.push_str("\n第六段是致谢，感谢所有参与的人员。");
        let cleaned = only(&input);
        assert_eq!(
            cleaned.changes.iter().any(|c| c.rule == "split-fragment"),
            joined,
            "{run}: {:?}",
            cleaned.text
        );
        if joined {
            assert_eq!(cleaned.text.lines().count(), 3, "{run}");
        }
    }
}
