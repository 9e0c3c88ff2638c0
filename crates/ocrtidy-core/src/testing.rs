//! What tests of passes share (the `testing` feature, for the passes' crates' tests; always on
//! in this crate's own): a deterministic pseudo-random generator for the texts they build, and
//! a pass run without its memory, the reference a pass's [`PassMemory`] is checked against.

use crate::{EditSink, Pass, PassInput, PassMemory, PassSpec};

/// A small pseudo-random generator (Knuth's MMIX linear congruential one): the same numbers
/// from the same seed on every machine, without a dependency.
#[derive(Clone, Debug)]
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed)
    }

    /// The next number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize % n
    }
}

/// The pass `P` without its memory: a new [`PassMemory`] every round, so that every round
/// decides anew what the pass with its memory may take from the last one.
pub struct Forgetful<P>(pub P);

impl<P: Pass> Pass for Forgetful<P> {
    fn spec(&self) -> &'static PassSpec {
        self.0.spec()
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let memory = PassMemory::default();
        self.0
            .run(&PassInput::new(input.text, input.context, &memory), sink);
    }

    fn rerun(&self) -> bool {
        self.0.rerun()
    }
}
