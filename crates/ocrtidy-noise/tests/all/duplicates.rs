//! The `duplicates` pass on a large document. Its cases (OCR repeats go, legitimate repeats
//! stay) are in `tests/cases/duplicates.cases` at the workspace root.

use ocrtidy_noise::Duplicates;

#[test]
fn linear_on_a_large_document() {
    // 2,000 distinct paragraphs: must finish quickly (no all-pairs comparison).
    let mut text = String::new();
    for i in 0..2000 {
        text.push_str(&format!(
            "第{i}段的内容包括服务器编号{i}和客户端编号{}。这是第{i}段的第二句话。\n",
            i * 7
        ));
    }
    let runner = ocrtidy_core::Runner::new(vec![Box::new(Duplicates)]);
    let start = std::time::Instant::now();
    let out = runner.run(&text, &ocrtidy_core::Context::default());
    assert_eq!(out.text, text);
    assert!(start.elapsed().as_secs() < 20);
}
