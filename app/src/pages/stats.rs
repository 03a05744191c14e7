//! Statistics: the office's (the rounds it runs, once final) and the public summary (published
//! rounds), filtered by programme and year, as tables and server-rendered SVG charts.

use domain::access::Programme;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::stats::{office_statistics, public_statistics, CountView, StatisticsView},
    components::{charts::BarChart, forms::ErrorNotice},
    i18n::use_lang,
    tr,
};

/// The office's statistics (`/office/statistics`).
#[component]
pub fn OfficeStatsPage() -> impl IntoView {
    view! { <StatsPage public=false/> }
}

/// The public summary (`/statistics`), no login.
#[component]
pub fn PublicStatsPage() -> impl IntoView {
    view! { <StatsPage public=true/> }
}

#[component]
fn StatsPage(public: bool) -> impl IntoView {
    let lang = use_lang();
    let programme = RwSignal::new(String::new());
    let year = RwSignal::new(String::new());
    let stats = Resource::new(
        move || (programme.get(), year.get()),
        move |(p, y)| async move {
            let p = (!p.is_empty()).then_some(p);
            let y = y.parse::<i64>().ok();
            if public { public_statistics(p, y).await } else { office_statistics(p, y).await }
        },
    );
    let (title_vi, title_en) = if public { ("Thống kê kết quả", "Results in figures") } else { ("Thống kê", "Statistics") };
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick(title_vi, title_en).to_string()/>
        <h1>{move || lang.get().pick(title_vi, title_en)}</h1>
        <p class="hint">{move || if public {
            lang.get().pick("Số sản phẩm được đánh giá và được công nhận trong các đợt đã công bố kết quả.",
                            "Products evaluated and recognised in the rounds whose results are published.")
        } else {
            lang.get().pick("Các đợt do văn phòng của bạn tổ chức, khi kết quả đã được chốt.",
                            "The rounds your office runs, once their results are final.")
        }}</p>
        <div class="toolbar filters" id="stats-filters">
            <label for="stats-programme">{tr!("Chương trình", "Programme")}</label>
            <select id="stats-programme" on:change=move |ev| programme.set(event_target_value(&ev))>
                <option value="">{tr!("Cả hai chương trình", "Both programmes")}</option>
                {Programme::ALL.into_iter().map(|p| view! {
                    <option value=p.code()>{move || lang.get().pick(p.name_vi(), p.name_en())}</option>
                }).collect_view()}
            </select>
            <label for="stats-year">{tr!("Năm", "Year")}</label>
            <select id="stats-year" prop:value=move || year.get() on:change=move |ev| year.set(event_target_value(&ev))>
                <option value="">{tr!("Mọi năm", "All years")}</option>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        stats.await.map(|s| s.years.into_iter().map(|y| view! { <option value=y.to_string()>{y}</option> }).collect_view()).ok()
                    })}
                </Transition>
            </select>
        </div>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match stats.await {
                    Ok(s) => view! { <StatsBody stats=s/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A cell's heading, shown above its value when the table folds into cards on a phone.
fn label(vi: &'static str, en: &'static str) -> impl Fn() -> &'static str + Send + Sync + Copy + 'static {
    let lang = use_lang();
    move || lang.get().pick(vi, en)
}

fn programme_short(p: Programme) -> &'static str {
    match p {
        Programme::Ocop => "OCOP",
        Programme::Spcnnttb => "SPCNNTTB",
    }
}

#[component]
fn StatsBody(stats: StatisticsView) -> impl IntoView {
    if stats.by_year.is_empty() {
        return view! {
            <p class="empty" id="stats-empty">{tr!("Chưa có kết quả nào để thống kê.", "There are no results to count yet.")}</p>
        }
        .into_any();
    }
    let year_counts: Vec<CountView> = stats
        .by_year
        .iter()
        .map(|r| CountView { label: format!("{} · {}", r.year, programme_short(r.programme)), evaluated: r.evaluated, recognised: r.recognised })
        .collect();
    let by_year = stats.by_year.clone();
    let show_stars = stats.programme != Some(Programme::Spcnnttb) && stats.by_stars.iter().any(|c| c.evaluated > 0);
    view! {
        <section class="panel" id="stats-years">
            <h2>{tr!("Theo năm", "Year by year")}</h2>
            <div class="table-scroll">
                <table class="data-table" id="stats-year-table">
                    <thead><tr>
                        <th>{tr!("Năm", "Year")}</th>
                        <th>{tr!("Chương trình", "Programme")}</th>
                        <th>{tr!("Được đánh giá", "Evaluated")}</th>
                        <th>{tr!("Được công nhận", "Recognised")}</th>
                        <th>{tr!("Đề nghị cấp trên", "Sent up")}</th>
                        <th>{tr!("So với năm trước", "Against the year before")}</th>
                    </tr></thead>
                    <tbody>
                        {by_year.into_iter().map(|r| {
                            let change = r.recognised_change.map(|c| if c > 0 { format!("+{c}") } else { c.to_string() });
                            view! {
                                <tr data-year=r.year.to_string() data-programme=r.programme.code()>
                                    <td data-label=label("Năm", "Year")>{r.year}</td>
                                    <td data-label=label("Chương trình", "Programme")>{programme_short(r.programme)}</td>
                                    <td class="num" data-label=label("Được đánh giá", "Evaluated")>{r.evaluated}</td>
                                    <td class="num" data-label=label("Được công nhận", "Recognised")>{r.recognised}</td>
                                    <td class="num" data-label=label("Đề nghị cấp trên", "Sent up")>{r.forwarded}</td>
                                    <td class="num" data-label=label("So với năm trước", "Against the year before")>{change.unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <BarChart rows=year_counts id="chart-years" title_vi="Sản phẩm theo năm" title_en="Products by year"/>
        </section>
        {show_stars.then(|| view! {
            <section class="panel" id="stats-stars">
                <h2>{tr!("OCOP theo hạng sao", "OCOP by star")}</h2>
                <BarChart rows=stats.by_stars.clone() id="chart-stars" title_vi="Sản phẩm OCOP theo hạng sao" title_en="OCOP products by star"/>
            </section>
        })}
        <section class="panel" id="stats-groups">
            <h2>{tr!("Theo nhóm sản phẩm", "By product group")}</h2>
            <CountTable rows=stats.by_group.clone() id="stats-group-table"/>
            <BarChart rows=stats.by_group id="chart-groups" title_vi="Sản phẩm theo nhóm" title_en="Products by group"/>
        </section>
        <section class="panel" id="stats-communes">
            <h2>{tr!("Theo xã", "By commune")}</h2>
            <CountTable rows=stats.by_commune.clone() id="stats-commune-table"/>
            <BarChart rows=stats.by_commune id="chart-communes" title_vi="Sản phẩm theo xã" title_en="Products by commune"/>
        </section>
    }
    .into_any()
}

#[component]
fn CountTable(rows: Vec<CountView>, id: &'static str) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="data-table" id=id>
                <thead><tr>
                    <th></th>
                    <th>{tr!("Được đánh giá", "Evaluated")}</th>
                    <th>{tr!("Được công nhận", "Recognised")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td>{r.label}</td>
                            <td class="num" data-label=label("Được đánh giá", "Evaluated")>{r.evaluated}</td>
                            <td class="num" data-label=label("Được công nhận", "Recognised")>{r.recognised}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
