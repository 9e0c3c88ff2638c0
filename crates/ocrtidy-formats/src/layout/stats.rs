//! Small robust statistics over box measurements.

/// The `q`-quantile (0..=1) of `values` (nearest rank); `None` when empty.
pub(crate) fn quantile(values: &[f32], q: f32) -> Option<f32> {
    let mut v: Vec<f32> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    let i = ((v.len() - 1) as f32 * q.clamp(0.0, 1.0)).round() as usize;
    v.get(i).copied()
}

pub(crate) fn median(values: &[f32]) -> Option<f32> {
    quantile(values, 0.5)
}
