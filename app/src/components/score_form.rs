//! A score form exactly as a judge sees it (phiếu chấm): every option visible with its points,
//! part subtotals and the total always in view, and the star one sheet alone would give — all
//! computed in the browser by `domain` (the server recomputes and is the authority).
//!
//! Used read-only in the catalogue, as the editor's live preview, and by the judge's screen:
//! give it the form and a signal of the answers; with `read_only` nobody can change them.

use domain::{
    form::{Criterion, Scale, ScoreForm, ILLUSTRATIVE_LABEL_EN, ILLUSTRATIVE_LABEL_VI},
    rating::{self, StarRating},
    ruleset::RuleSet,
    sheet::{self, answer_points, Answer, Answers, SheetScore},
    Points,
};
use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::{
    i18n::{use_lang, Lang},
    tr,
};

/// The banner every screen shows above a form that is not the official one.
#[component]
pub fn IllustrativeBanner() -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="notice notice-warning illustrative-banner" role="note">
            <strong>{move || lang.get().pick(ILLUSTRATIVE_LABEL_VI, ILLUSTRATIVE_LABEL_EN)}</strong>
        </p>
    }
}

/// The answers that still fit the form (an option removed in the editor drops its answer).
fn fitting(form: &ScoreForm, answers: &Answers) -> Answers {
    answers
        .0
        .iter()
        .filter(|(code, a)| form.find_criterion(code).is_some_and(|(_, c)| answer_points(c, **a).is_ok()))
        .map(|(code, a)| (code.clone(), *a))
        .collect()
}

fn text(lang: Lang, vi: &str, en: Option<&str>) -> String {
    match (lang, en) {
        (Lang::En, Some(en)) if !en.trim().is_empty() => en.to_string(),
        _ => vi.to_string(),
    }
}

fn points_label(p: Points, lang: Lang) -> String {
    match lang {
        Lang::Vi => p.format_vi_compact(),
        Lang::En => p.format_en_compact(),
    }
}

/// "(*) 3★ ≥ 1; 4★ ≥ 2": the mandatory minima of a criterion.
fn mandatory_label(c: &Criterion, lang: Lang) -> Option<String> {
    (!c.mandatory.is_empty()).then(|| {
        let items = c
            .mandatory
            .iter()
            .map(|m| format!("{}★ ≥ {}", m.stars, points_label(m.min, lang)))
            .collect::<Vec<_>>()
            .join("; ");
        format!("(*) {} {items}", lang.pick("bắt buộc:", "mandatory:"))
    })
}

#[component]
pub fn ScoreFormView(
    /// The form to show.
    #[prop(into)]
    form: Signal<ScoreForm>,
    /// The judge's answers by criterion code.
    answers: RwSignal<Answers>,
    /// The rule set, for the star preview; without it no star is shown.
    #[prop(optional)]
    rule_set: Option<RuleSet>,
    /// Shows the answers without letting anyone change them.
    #[prop(optional)]
    read_only: bool,
    /// The judge's note per criterion (ghi chú); without it no note fields are shown.
    #[prop(optional)]
    notes: Option<RwSignal<BTreeMap<String, String>>>,
    /// Keeps input names and ids unique when several forms share a page.
    #[prop(into)]
    key: String,
) -> impl IntoView {
    let lang = use_lang();
    let score = Memo::new(move |_| form.with(|f| answers.with(|a| sheet::score(f, &fitting(f, a)))));
    let rule_set = StoredValue::new(rule_set);
    let preview = Memo::new(move |_| -> Option<StarRating> {
        let s = score.get().ok()?;
        rule_set.with_value(|rs| rs.as_ref().and_then(|rs| form.with(|f| rating::sheet_preview(rs, f, &s))))
    });
    let key = StoredValue::new(key);
    let total_id = key.with_value(|k| format!("{k}-total"));

    let body = move || {
        let f = form.get();
        let lang_now = lang.get();
        let k = key.get_value();
        f.parts
            .iter()
            .enumerate()
            .map(|(pi, part)| {
                let subtotal = move || {
                    score.with(|s| match s.as_ref().ok().and_then(|s: &SheetScore| s.parts.get(pi)) {
                        Some(st) => format!("{} / {}", points_label(st.points, lang.get()), points_label(st.max, lang.get())),
                        None => String::new(),
                    })
                };
                let groups = part
                    .groups
                    .iter()
                    .map(|g| {
                        let criteria = g
                            .criteria
                            .iter()
                            .map(|c| criterion_view(c, &k, answers, notes, read_only, lang_now))
                            .collect_view();
                        view! {
                            <section class="sf-group">
                                <h4>
                                    <span class="sf-code">{g.code.clone()}</span> " "
                                    {text(lang_now, &g.name_vi, g.name_en.as_deref())}
                                    <span class="sf-max">{format!(" ({} {})", points_label(g.max(), lang_now), lang_now.pick("điểm", "points"))}</span>
                                </h4>
                                {g.help_vi.clone().map(|h| view! { <p class="hint">{h}</p> })}
                                {criteria}
                            </section>
                        }
                    })
                    .collect_view();
                view! {
                    <section class="sf-part" id=format!("{k}-part-{}", part.code)>
                        <h3 class="sf-part-head">
                            <span>
                                <span class="sf-code">{format!("{}{} ", lang_now.pick("Phần ", "Part "), part.code)}</span>
                                {text(lang_now, &part.name_vi, part.name_en.as_deref())}
                            </span>
                            <span class="sf-subtotal" id=format!("{k}-subtotal-{}", part.code)>{subtotal}</span>
                        </h3>
                        {part.help_vi.clone().map(|h| view! { <p class="hint">{h}</p> })}
                        {groups}
                    </section>
                }
            })
            .collect_view()
    };

    view! {
        <div class="score-form">
            {move || form.with(|f| f.is_illustrative()).then(|| view! { <IllustrativeBanner/> })}
            {body}
            <div class="sf-summary" role="status" aria-live="polite">
                <p class="sf-total">
                    {tr!("Tổng điểm: ", "Total: ")}
                    <strong id=total_id>{move || score.with(|s| match s {
                        Ok(s) => format!("{} / {}", match lang.get() { Lang::Vi => s.total.format_vi(), Lang::En => s.total.format_en() }, points_label(s.max, lang.get())),
                        Err(e) => lang.get().pick(e.to_string(), e.message_en()),
                    })}</strong>
                </p>
                {move || score.with(|s| s.as_ref().ok().filter(|s| !s.is_complete()).map(|s| {
                    let n = s.unanswered.len();
                    view! { <p class="muted">{move || lang.get().pick(format!("Còn {n} tiêu chí chưa chấm.", ), format!("{n} criteria not scored yet."))}</p> }
                }))}
                {move || preview.get().map(|p| {
                    let stars = p.stars;
                    let capped = p.capped;
                    let certified = p.certified;
                    view! {
                        <p class="sf-stars">
                            {tr!("Hạng sao theo riêng phiếu này: ", "Stars from this sheet alone: ")}
                            <strong>{if stars == 0 { "—".to_string() } else { format!("{stars}★") }}</strong>
                            {capped.then(|| view! { <span class="muted">{tr!(" (bị giới hạn vì chưa đạt tiêu chí bắt buộc)", " (capped: a mandatory criterion is not met)")}</span> })}
                            {(!certified).then(|| view! { <span class="muted">{tr!(" — không đủ để cấp giấy chứng nhận", " — not enough for a certificate")}</span> })}
                        </p>
                    }
                })}
            </div>
        </div>
    }
}

fn note_view(code: String, key: &str, notes: RwSignal<BTreeMap<String, String>>, read_only: bool) -> impl IntoView {
    let id = format!("{key}-note-{code}");
    let label_for = id.clone();
    let code_get = code.clone();
    let code_open = code.clone();
    let value = move || notes.with(|n| n.get(&code_get).cloned().unwrap_or_default());
    let has_note = move || notes.with(|n| n.get(&code_open).is_some_and(|t| !t.trim().is_empty()));
    view! {
        <details class="sf-note" prop:open=has_note>
            <summary>{tr!("Ghi chú", "Note")}</summary>
            <label for=label_for class="visually-hidden">{tr!("Ghi chú cho tiêu chí ", "Note on criterion ")}{code.clone()}</label>
            <textarea id=id rows="2" maxlength="2000" disabled=read_only prop:value=value
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    notes.update(|n| {
                        if v.trim().is_empty() { n.remove(&code); } else { n.insert(code.clone(), v); }
                    });
                }></textarea>
        </details>
    }
}

fn criterion_view(
    c: &Criterion,
    key: &str,
    answers: RwSignal<Answers>,
    notes: Option<RwSignal<BTreeMap<String, String>>>,
    read_only: bool,
    lang: Lang,
) -> impl IntoView {
    let code = c.code.clone();
    let input_name = format!("{key}-c-{}", c.code);
    let scale = match &c.scale {
        Scale::Options(options) => options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let code_checked = code.clone();
                let code_set = code.clone();
                let id = format!("{input_name}-o{i}");
                let label_for = id.clone();
                view! {
                    <li>
                        <label class="sf-option" for=label_for>
                            <input type="radio" id=id name=input_name.clone() value=i.to_string() disabled=read_only
                                prop:checked=move || answers.with(|a| a.get(&code_checked) == Some(Answer::Option(i)))
                                on:change=move |_| answers.update(|a| a.set(code_set.clone(), Answer::Option(i)))/>
                            <span class="sf-option-name">{text(lang, &o.name_vi, o.name_en.as_deref())}</span>
                            <span class="sf-points">{format!("{} {}", points_label(o.points, lang), lang.pick("điểm", "pts"))}</span>
                        </label>
                        {o.help_vi.clone().map(|h| view! { <p class="hint">{h}</p> })}
                    </li>
                }
            })
            .collect_view()
            .into_any(),
        Scale::Numeric(range) => {
            let code_value = code.clone();
            let code_set = code.clone();
            let bad = RwSignal::new(false);
            let range = *range;
            view! {
                <li>
                    <label class="sf-number">
                        {format!("{} {} – {} ({} {})", lang.pick("Nhập điểm từ", "Enter points from"), points_label(range.min, lang), points_label(range.max, lang), lang.pick("bước", "step"), points_label(range.step, lang))}
                        <input type="text" inputmode="decimal" id=input_name.clone() name=input_name.clone() disabled=read_only autocomplete="off"
                            prop:value=move || answers.with(|a| match a.get(&code_value) { Some(Answer::Number(p)) => p.format_vi_compact(), _ => String::new() })
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if v.trim().is_empty() {
                                    bad.set(false);
                                    answers.update(|a| a.clear(&code_set));
                                    return;
                                }
                                match Points::parse(&v) {
                                    Ok(p) if range.contains(p) && range.on_step(p) => {
                                        bad.set(false);
                                        answers.update(|a| a.set(code_set.clone(), Answer::Number(p)));
                                    }
                                    _ => bad.set(true),
                                }
                            }/>
                    </label>
                    {move || bad.get().then(|| view! {
                        <p class="field-error">{tr!("Số điểm không hợp lệ hoặc nằm ngoài khoảng cho phép.", "Not a valid number of points, or outside the range.")}</p>
                    })}
                </li>
            }
            .into_any()
        }
    };
    view! {
        <fieldset class="sf-criterion" id=format!("{key}-crit-{}", c.code)>
            <legend>
                <span class="sf-code">{c.code.clone()}</span> " "
                {text(lang, &c.name_vi, c.name_en.as_deref())}
                <span class="sf-max">{format!(" ({} {} {})", lang.pick("tối đa", "max"), points_label(c.max, lang), lang.pick("điểm", "points"))}</span>
            </legend>
            {mandatory_label(c, lang).map(|m| view! { <p class="sf-mandatory">{m}</p> })}
            {c.help_vi.clone().map(|h| view! { <p class="hint">{h}</p> })}
            <ul class="sf-options">{scale}</ul>
            {notes.map(|n| note_view(c.code.clone(), key, n, read_only))}
        </fieldset>
    }
}
