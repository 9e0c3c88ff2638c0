use ocrtidy_core::{Context, Runner};
fn main() {
    let t = std::env::args().nth(1).unwrap_or_default();
    let r = Runner::new(vec![
        Box::new(ocrtidy_noise::StrayTokens),
        Box::new(ocrtidy_noise::Duplicates),
    ]);
    let out = r.run(&t, &Context::default());
    println!("{:?}", out.text);
    for c in &out.changes {
        println!(
            "{} {} {:?} -> {:?} applied={}",
            c.pass, c.rule, c.before, c.after, c.applied
        );
    }
}
