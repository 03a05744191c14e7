//! Server-rendered SVG bar charts: one row per heading, a light bar for the products evaluated and
//! a dark one inside it for those recognised, with the numbers written out (the chart is also
//! readable as text, and the figures are in the table beside it).

use leptos::prelude::*;

use crate::{api::stats::CountView, i18n::use_lang};

const WIDTH: f64 = 600.0;
const ROW: f64 = 44.0;
const BAR: f64 = 16.0;
const LABEL_X: f64 = 4.0;

#[component]
pub fn BarChart(rows: Vec<CountView>, id: &'static str, title_vi: &'static str, title_en: &'static str) -> impl IntoView {
    let lang = use_lang();
    let max = rows.iter().map(|r| r.evaluated).max().unwrap_or(0).max(1) as f64;
    let height = ROW * rows.len().max(1) as f64 + 8.0;
    // The numbers take the right-most 90 units.
    let scale = (WIDTH - LABEL_X - 90.0) / max;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let y = 8.0 + ROW * i as f64;
            let (w_all, w_rec) = (r.evaluated as f64 * scale, r.recognised as f64 * scale);
            let (evaluated, recognised) = (r.evaluated, r.recognised);
            view! {
                <g class="chart-row">
                    <text x=LABEL_X y=y + 12.0 class="chart-label">{r.label}</text>
                    <rect x=LABEL_X y=y + 18.0 width=w_all.max(1.0) height=BAR class="bar-evaluated"/>
                    <rect x=LABEL_X y=y + 18.0 width=w_rec height=BAR class="bar-recognised"/>
                    <text x=LABEL_X + w_all + 6.0 y=y + 31.0 class="chart-value">
                        {format!("{recognised}/{evaluated}")}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" id=id>
            <figcaption>{move || lang.get().pick(title_vi, title_en)}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") width="100%" role="img"
                aria-label=move || lang.get().pick(title_vi, title_en)>
                {bars}
            </svg>
            <p class="chart-legend">
                <span class="swatch bar-recognised"></span>{move || lang.get().pick(" được công nhận", " recognised")}
                " "
                <span class="swatch bar-evaluated"></span>{move || lang.get().pick(" được đánh giá (số công nhận/số đánh giá)", " evaluated (recognised/evaluated)")}
            </p>
        </figure>
    }
}
