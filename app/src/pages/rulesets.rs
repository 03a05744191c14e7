//! The rule-set catalogue (`/rulesets`, `/rulesets/:id`) and the score-form page and editor
//! (`/forms/:id`). Resources are created at the top of each page and their data passed down as
//! props, so the server and the browser create them in the same order (hydration).

use domain::{
    access::{AdminLevel, Programme},
    form::{CriteriaGroup, Criterion, MandatoryMinimum, NumericRange, Part, Scale, ScoreForm, ScoreOption},
    issue::{Issue, PlaceStep},
    ruleset::{ItemKind, RecognitionMode, RuleSet},
    sheet::Answers,
    Points,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map, use_query_map},
};

use crate::{
    api::rulesets::{
        get_form, get_rule_set, list_rule_sets, new_form, new_form_version, new_rule_set_version, publish_form,
        publish_rule_set, save_form, FormDetail, FormSummary, RuleSetDetail, RuleSetSummary,
    },
    components::{
        forms::ErrorNotice,
        score_form::{IllustrativeBanner, ScoreFormView},
    },
    errors::AppError,
    i18n::{use_lang, Lang},
    rules, tr,
};

fn status_label(status: &str, lang: Lang) -> &'static str {
    match status {
        "draft" => lang.pick("Bản nháp", "Draft"),
        "published" => lang.pick("Đã ban hành", "Published"),
        "frozen" => lang.pick("Đã dùng — khóa", "Used — locked"),
        _ => lang.pick("Không rõ", "Unknown"),
    }
}

fn programme_label(code: &str, lang: Lang) -> String {
    match Programme::from_code(code) {
        Some(Programme::Ocop) => "OCOP".to_string(),
        Some(Programme::Spcnnttb) => lang.pick("SPCNNTTB (CNNT tiêu biểu)", "SPCNNTTB (rural industry)").to_string(),
        None => code.to_string(),
    }
}

/// "24/02/2023 – 05/07/2025" (the end is exclusive: the last day in force is the day before).
fn in_force(from: &str, to: Option<&str>, lang: Lang) -> String {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_else(|_| s.to_string());
    match to {
        Some(to) => format!("{} – {} ({})", d(from), d(to), lang.pick("ngày hết hiệu lực", "first day no longer in force")),
        None => format!("{} {}", lang.pick("từ", "from"), d(from)),
    }
}

fn points(p: Points, lang: Lang) -> String {
    match lang {
        Lang::Vi => p.format_vi_compact(),
        Lang::En => p.format_en_compact(),
    }
}

fn id_param() -> impl Fn() -> i64 + Send + Sync + Copy + 'static {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
}

// ---------------------------------------------------------------------------------------------
// /rulesets

#[component]
pub fn RuleSetsPage() -> impl IntoView {
    let lang = use_lang();
    let rows = Resource::new(|| (), |_| list_rule_sets());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Bộ tiêu chí", "Rule sets").to_string()/>
        <h1>{tr!("Bộ tiêu chí", "Rule sets")}</h1>
        <p class="lead">{tr!(
            "Mỗi bộ quy tắc là một phiên bản các quy định chính thức của một chương trình: căn cứ pháp lý, nhóm sản phẩm, phiếu đánh giá, thang hạng sao và ai công nhận ở cấp nào. Một đợt dùng một phiên bản; đã dùng thì không sửa được, sửa là tạo phiên bản mới.",
            "Each rule set is one version of a programme's official rules: legal basis, product groups, score forms, star bands and who recognises what at each level. A round uses one version; once used it cannot change, and a change is a new version."
        )}</p>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(rows) => view! { <RuleSetTable rows=rows/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RuleSetTable(rows: Vec<RuleSetSummary>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-wrap">
            <table class="data-table" id="rule-sets">
                <thead><tr>
                    <th>{tr!("Bộ quy tắc", "Rule set")}</th>
                    <th>{tr!("Chương trình", "Programme")}</th>
                    <th>{tr!("Căn cứ pháp lý", "Legal basis")}</th>
                    <th>{tr!("Hiệu lực", "In force")}</th>
                    <th>{tr!("Phiên bản", "Version")}</th>
                    <th>{tr!("Trạng thái", "Status")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let href = format!("/rulesets/{}", r.id);
                        let (tv, te) = (r.title_vi.clone(), r.title_en.clone());
                        let status = r.status.clone();
                        let programme = r.programme.clone();
                        let (from, to) = (r.effective_from.clone(), r.effective_to.clone());
                        view! {
                            <tr>
                                <td data-label=move || lang.get().pick("Bộ quy tắc", "Rule set")>
                                    <A href=href>{move || lang.get().pick(tv.clone(), te.clone())}</A>
                                    <div class="muted">{r.code.clone()}</div>
                                    {r.illustrative.then(|| view! { <div class="tag tag-warning">{tr!("Có phiếu mẫu minh họa", "Has an illustrative form")}</div> })}
                                </td>
                                <td data-label=move || lang.get().pick("Chương trình", "Programme")>{move || programme_label(&programme, lang.get())}</td>
                                <td data-label=move || lang.get().pick("Căn cứ pháp lý", "Legal basis")>{r.legal_summary.clone()}</td>
                                <td data-label=move || lang.get().pick("Hiệu lực", "In force")>{move || in_force(&from, to.as_deref(), lang.get())}</td>
                                <td data-label=move || lang.get().pick("Phiên bản", "Version")>{r.version}</td>
                                <td data-label=move || lang.get().pick("Trạng thái", "Status")>
                                    <span class=format!("status status-{}", r.status)>{move || status_label(&status, lang.get())}</span>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// /rulesets/:id

#[component]
pub fn RuleSetPage() -> impl IntoView {
    let lang = use_lang();
    let id = id_param();
    let reload = RwSignal::new(0u32);
    let detail = Resource::new(move || (id(), reload.get()), |(id, _)| get_rule_set(id));
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Bộ quy tắc", "Rule set").to_string()/>
        <p><A href="/rulesets">{tr!("← Tất cả bộ tiêu chí", "← All rule sets")}</A></p>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => view! { <RuleSetView detail=d on_change=Callback::new(move |_| reload.update(|v| *v += 1))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RuleSetView(detail: RuleSetDetail, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let RuleSetDetail { summary, rule_set, forms, versions, can_edit } = detail;
    let rs = StoredValue::new(rule_set.clone());
    let id = summary.id;
    let (tv, te) = (summary.title_vi.clone(), summary.title_en.clone());
    let status = summary.status.clone();
    let query = use_query_map();
    let import_error = move || query.read().get("import_error");
    let navigate = use_navigate();
    let error = RwSignal::new(None::<AppError>);

    let new_version = Action::new(move |_: &()| async move { new_rule_set_version(id).await });
    let publish = Action::new(move |_: &()| async move { publish_rule_set(id).await });
    let create_form = Action::new(move |input: &(String, String)| {
        let (code, name) = input.clone();
        async move { new_form(id, code, name).await }
    });
    let nav = navigate.clone();
    Effect::new(move |_| match new_version.value().get() {
        Some(Ok(new_id)) => nav(&format!("/rulesets/{new_id}"), Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match publish.value().get() {
        Some(Ok(())) => {
            error.set(None);
            on_change.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let nav = navigate.clone();
    Effect::new(move |_| match create_form.value().get() {
        Some(Ok(form_id)) => nav(&format!("/forms/{form_id}"), Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let new_code = RwSignal::new(String::new());
    let new_name = RwSignal::new(String::new());
    let is_draft = summary.status == "draft";
    let current_forms: Vec<(FormSummary, ScoreForm)> = forms
        .iter()
        .filter(|f| f.current)
        .filter_map(|f| rule_set.form(&f.code).map(|form| (f.clone(), form.clone())))
        .collect();

    view! {
        <h1>{move || lang.get().pick(tv.clone(), te.clone())}</h1>
        <p class="muted">
            {summary.code.clone()} " · " {tr!("phiên bản ", "version ")} {summary.version} " · "
            <span class=format!("status status-{}", summary.status)>{move || status_label(&status, lang.get())}</span>
            " · " {move || programme_label(&summary.programme, lang.get())}
            " · " {move || rs.with_value(|r| in_force(&r.effective_from.to_string(), r.effective_to.map(|d| d.to_string()).as_deref(), lang.get()))}
        </p>
        {summary.illustrative.then(|| view! { <IllustrativeBanner/> })}
        {rule_set.note_vi.clone().map(|n| view! { <p>{n}</p> })}
        {move || import_error().map(|m| view! {
            <div class="notice notice-error" role="alert" id="import-error"><p>{m}</p></div>
        })}
        {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        {can_edit.then(|| view! {
            <div class="panel editor-actions" id="rule-set-actions">
                <h2>{tr!("Dành cho văn phòng", "For the office")}</h2>
                {(!is_draft).then(|| view! {
                    <p>{tr!("Bộ quy tắc đã ban hành không sửa trực tiếp. Để thêm hoặc thay phiếu, hãy tạo phiên bản mới (bản nháp), sửa, rồi ban hành.",
                            "A published rule set is not edited in place. To add or replace forms, create a new version (a draft), edit it, then publish it.")}</p>
                    <button type="button" class="button-secondary" id="new-rule-set-version" on:click=move |_| { new_version.dispatch(()); }>
                        {tr!("Tạo phiên bản mới của bộ quy tắc", "Create a new version of the rule set")}
                    </button>
                })}
                {is_draft.then(|| view! {
                    <button type="button" class="button" id="publish-rule-set" on:click=move |_| { publish.dispatch(()); }>
                        {tr!("Ban hành phiên bản này", "Publish this version")}
                    </button>
                    <form class="inline-fields" on:submit=move |ev| { ev.prevent_default(); create_form.dispatch((new_code.get_untracked(), new_name.get_untracked())); }>
                        <h3>{tr!("Thêm phiếu mới", "Add a new form")}</h3>
                        <div class="field">
                            <label for="new-form-code">{tr!("Mã phiếu", "Form code")}</label>
                            <p class="hint">{tr!("Chữ không dấu, số và dấu - . _, ví dụ ocop-qd148-thuc-pham-tuoi", "Plain letters, digits and - . _, e.g. ocop-qd148-fresh-food")}</p>
                            <input id="new-form-code" type="text" maxlength="80" required on:input=move |ev| new_code.set(event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for="new-form-name">{tr!("Tên phiếu", "Form name")}</label>
                            <input id="new-form-name" type="text" maxlength="300" required on:input=move |ev| new_name.set(event_target_value(&ev))/>
                        </div>
                        <button type="submit" class="button-secondary">{tr!("Thêm phiếu", "Add form")}</button>
                    </form>
                })}
                <form method="post" action=format!("/files/rule-sets/{id}/import") enctype="multipart/form-data" class="import-form" id="import-form">
                    <h3>{tr!("Nhập phiếu từ tệp (XLSX hoặc TOML)", "Import a form from a file (XLSX or TOML)")}</h3>
                    <p class="hint">{tr!(
                        "Tải một phiếu về dạng XLSX để làm mẫu, điền theo văn bản gốc rồi nhập lại; phiếu nhập vào thành bản nháp mới để kiểm tra và ban hành. Cách điền: xem trang 'Hướng dẫn' trong tệp.",
                        "Download a form as XLSX as a template, fill it from the official document and import it; it becomes a new draft to check and publish. How to fill it: the 'Hướng dẫn' sheet in the file."
                    )}</p>
                    <input type="file" name="file" id="import-file" accept=".xlsx,.toml" required/>
                    <button type="submit" class="button-secondary">{tr!("Nhập tệp", "Import file")}</button>
                </form>
            </div>
        })}
        {(versions.len() > 1).then(|| view! {
            <h2>{tr!("Các phiên bản", "Versions")}</h2>
            <ul class="version-list">
                {versions.into_iter().map(|v| {
                    let st = v.status.clone();
                    let this = v.id == id;
                    view! {
                        <li>
                            <A href=format!("/rulesets/{}", v.id)>{format!("v{}", v.version)}</A>
                            " — " {move || status_label(&st, lang.get())}
                            {this.then(|| view! { <span class="muted">{tr!(" (đang xem)", " (this one)")}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        <RuleSetFacts rule_set=rule_set.clone()/>
        <h2 id="forms">{tr!("Phiếu đánh giá", "Score forms")}</h2>
        <div class="table-wrap">
            <table class="data-table" id="form-list">
                <thead><tr>
                    <th>{tr!("Phiếu", "Form")}</th>
                    <th>{tr!("Phiên bản", "Version")}</th>
                    <th>{tr!("Trạng thái", "Status")}</th>
                    <th>{tr!("Loại", "Kind")}</th>
                </tr></thead>
                <tbody>
                    {forms.into_iter().map(|f| {
                        let st = f.status.clone();
                        let official = f.official;
                        view! {
                            <tr>
                                <td data-label=move || lang.get().pick("Phiếu", "Form")>
                                    <A href=format!("/forms/{}", f.id)>{f.name_vi.clone()}</A>
                                    <div class="muted">{f.code.clone()}</div>
                                </td>
                                <td data-label=move || lang.get().pick("Phiên bản", "Version")>
                                    {f.version} {f.current.then(|| view! { <span class="tag">{tr!("đang dùng", "current")}</span> })}
                                </td>
                                <td data-label=move || lang.get().pick("Trạng thái", "Status")>{move || status_label(&st, lang.get())}</td>
                                <td data-label=move || lang.get().pick("Loại", "Kind")>
                                    {move || if official { lang.get().pick("Chính thức", "Official") } else { lang.get().pick("Mẫu minh họa — không phải phiếu chính thức", "Illustrative sample — not the official form") }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {current_forms.into_iter().map(|(f, form)| {
            let answers = RwSignal::new(Answers::new());
            let rule_set = rs.get_value();
            view! {
                <details class="panel form-preview">
                    <summary>{tr!("Xem phiếu như giám khảo thấy: ", "See the form as a judge does: ")} {f.name_vi.clone()}</summary>
                    <ScoreFormView form=RwSignal::new(form) answers=answers rule_set=rule_set key=format!("f{}", f.id)/>
                </details>
            }
        }).collect_view()}
    }
}

/// Everything a rule set says besides its forms.
#[component]
fn RuleSetFacts(rule_set: RuleSet) -> impl IntoView {
    let lang = use_lang();
    let l = move || lang.get();
    let rs = StoredValue::new(rule_set);
    let source_doc = move |id: &str| rs.with_value(|r| r.legal_source(id).map(|s| s.document.clone()).unwrap_or_else(|| id.to_string()));
    let r = rs.get_value();
    view! {
        <h2>{tr!("Căn cứ pháp lý", "Legal basis")}</h2>
        <ul class="legal-sources">
            {r.legal_sources.iter().map(|s| {
                let status = s.status;
                let url = s.url.clone();
                view! {
                    <li>
                        <strong>{s.document.clone()}</strong>
                        {s.date.map(|d| format!(" ({})", d.format("%d/%m/%Y")))} " — " {s.title_vi.clone()}
                        " " <span class="muted">{move || format!("[{}]", l().pick(status.label_vi(), status.label_en()))}</span>
                        {url.map(|u| view! { " " <a href=u.clone() rel="external noopener" target="_blank">{tr!("nguồn", "source")}</a> })}
                        {s.note.clone().map(|n| view! { <div class="muted">{n}</div> })}
                    </li>
                }
            }).collect_view()}
        </ul>

        {(!r.product_groups.is_empty()).then(|| view! {
            <h2>{tr!("Nhóm và phân nhóm sản phẩm", "Product groups and sub-groups")}</h2>
            <ul class="group-tree">
                {r.root_groups().map(|g| {
                    let children: Vec<_> = r.child_groups(&g.code).cloned().collect();
                    view! {
                        <li>
                            <strong>{g.code.clone()}</strong> " " {g.name_vi.clone()}
                            {(!children.is_empty()).then(|| view! {
                                <ul>{children.into_iter().map(|c| view! { <li><strong>{c.code.clone()}</strong> " " {c.name_vi.clone()}</li> }).collect_view()}</ul>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}

        {(!r.parts.is_empty()).then(|| view! {
            <h2>{tr!("Các phần của phiếu và điểm tối đa", "Form parts and their maxima")}</h2>
            <ul>
                {r.parts.iter().map(|p| {
                    let max = p.max;
                    let src = source_doc(&p.basis.source);
                    view! { <li><strong>{p.code.clone()}</strong> " " {p.name_vi.clone()} ": " {move || points(max, l())} {tr!(" điểm", " points")} <span class="muted">{format!(" [{src}]")}</span></li> }
                }).collect_view()}
                <li>{tr!("Tổng: ", "Total: ")} {move || rs.with_value(|r| points(r.total, l()))}</li>
            </ul>
        })}

        {(!r.star_bands.is_empty()).then(|| view! {
            <h2>{tr!("Thang hạng sao", "Star bands")}</h2>
            <div class="table-wrap">
                <table class="data-table" id="star-bands">
                    <thead><tr>
                        <th>{tr!("Hạng", "Stars")}</th>
                        <th>{tr!("Điểm", "Points")}</th>
                        <th>{tr!("Giấy chứng nhận", "Certificate")}</th>
                        <th>{tr!("Ý nghĩa", "Meaning")}</th>
                    </tr></thead>
                    <tbody>
                        {r.star_bands.iter().map(|b| {
                            let (from, below, certified) = (b.from, b.below, b.certified);
                            let (mv, me) = (b.meaning_vi.clone(), b.meaning_en.clone().unwrap_or_else(|| b.meaning_vi.clone()));
                            view! {
                                <tr>
                                    <td>{format!("{}★", b.stars)}</td>
                                    <td>{move || match below {
                                        Some(below) => format!("{} {} {} {}", l().pick("từ", "from"), points(from, l()), l().pick("đến dưới", "to below"), points(below, l())),
                                        None => format!("{} {} {}", l().pick("từ", "from"), points(from, l()), l().pick("trở lên", "up")),
                                    }}</td>
                                    <td>{move || if certified { l().pick("Có", "Yes") } else { l().pick("Không", "No") }}</td>
                                    <td>{move || l().pick(mv.clone(), me.clone())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}

        <h2>{tr!("Các cấp: ai đánh giá, ai công nhận", "Levels: who evaluates, who recognises")}</h2>
        <ul class="levels">
            {r.levels.iter().map(|lv| {
                let level: AdminLevel = lv.level;
                let lv = lv.clone();
                view! {
                    <li>
                        <strong>{move || l().pick(level.name_vi(), level.name_en())}</strong> " — " {lv.authority_vi.clone()}
                        <ul>
                            {lv.evaluates.then(|| view! { <li>{tr!("Hội đồng cấp này chấm điểm sản phẩm", "A council at this level scores products")}</li> })}
                            {lv.prechecks.then(|| view! { <li>{tr!("Kiểm tra hồ sơ trước khi gửi lên", "Checks dossiers before sending them up")}</li> })}
                            {(!lv.recognises_stars.is_empty()).then(|| {
                                let stars = lv.recognises_stars.iter().map(|s| format!("{s}★")).collect::<Vec<_>>().join(", ");
                                view! { <li>{tr!("Công nhận và cấp giấy chứng nhận: ", "Recognises and certifies: ")} {stars}</li> }
                            })}
                            {lv.recognises_title_vi.clone().map(|t| view! { <li>{tr!("Danh hiệu: ", "Title: ")} {t}</li> })}
                            {lv.recognition_threshold.map(|t| view! { <li>{tr!("Ngưỡng công nhận: điểm trung bình từ ", "Recognition threshold: a mean of ")} {move || points(t, l())}</li> })}
                            {lv.forward.clone().map(|f| {
                                let to = f.to;
                                view! {
                                    <li>
                                        {tr!("Gửi lên cấp ", "Sends up to the ")} {move || l().pick(to.name_vi(), to.name_en())}
                                        {f.threshold.map(|t| view! { {tr!(" khi điểm từ ", " at a mean of ")} {move || points(t, l())} })}
                                        {f.potential_five_star.then(|| view! { {tr!(" (sản phẩm tiềm năng 5 sao)", " (potential 5-star product)")} })}
                                        {f.requires_recognition.then(|| view! { {tr!(" — chỉ sản phẩm đã được công nhận ở cấp này", " — only products recognised at this level")} })}
                                    </li>
                                }
                            })}
                        </ul>
                    </li>
                }
            }).collect_view()}
        </ul>

        <h2>{tr!("Cách tính điểm của hội đồng", "How the council's score is computed")}</h2>
        <ul>
            <li>{tr!("Điểm của sản phẩm là trung bình cộng tổng điểm các thành viên, giữ hai chữ số thập phân.", "A product's score is the mean of the members' totals, kept to two decimals.")}</li>
            <li>{tr!("Chênh lệch cho phép giữa các thành viên: ", "Largest allowed spread between members: ")} {move || rs.with_value(|r| points(r.aggregation.spread_limit, l()))} {tr!(" điểm", " points")}</li>
            <li>{tr!("Số thành viên tối thiểu: ", "Quorum: ")} {move || rs.with_value(|r| format!("{}/{}", r.aggregation.quorum_numerator, r.aggregation.quorum_denominator))}
                {move || rs.with_value(|r| r.aggregation.chair_required).then(|| l().pick(", có chủ tịch hội đồng", ", with the chair"))}</li>
            <li>{move || rs.with_value(|r| match r.recognition.mode {
                RecognitionMode::Stars => l().pick("Công nhận theo hạng sao của điểm trung bình (giới hạn bởi tiêu chí bắt buộc).", "Recognition by the star band of the mean (capped by mandatory criteria).").to_string(),
                RecognitionMode::CouncilDecision => format!("{} {}{}",
                    l().pick("Sản phẩm đạt điểm trung bình từ", "Products with a mean of at least"),
                    r.recognition.eligible_at.map(|t| points(t, l())).unwrap_or_default(),
                    l().pick(" đủ điều kiện; hội đồng quyết định công nhận.", " are eligible; the council decides which to recognise.")),
            })}</li>
        </ul>

        <h2>{tr!("Giấy chứng nhận", "Certificate")}</h2>
        <ul>
            <li>{move || rs.with_value(|r| match r.certificate.validity_months {
                Some(m) => format!("{} {m} {}", l().pick("Hiệu lực", "Valid for"), l().pick("tháng kể từ ngày quyết định", "months from the decision")),
                None => l().pick("Văn bản không quy định thời hạn hiệu lực.", "The rules set no validity period.").to_string(),
            })}</li>
            <li>{move || rs.with_value(|r| format!("{} {} {}", l().pick("Thông báo cho chủ thể trước khi hết hạn", "The holder is told"), r.certificate.notice_days, l().pick("ngày", "days before expiry")))}</li>
            <li>{move || rs.with_value(|r| format!("{} {} {}", l().pick("Được đề nghị đánh giá lại trong", "Re-evaluation may be filed in the last"), r.certificate.reevaluation_window_months, l().pick("tháng cuối của thời hạn", "months of validity")))}</li>
        </ul>

        {(!r.dossier_checklist.is_empty()).then(|| view! {
            <h2>{tr!("Thành phần hồ sơ", "Dossier checklist")}</h2>
            <ul class="checklist">
                {r.dossier_checklist.iter().map(|item| {
                    let kind = item.kind;
                    let required = item.required;
                    let min = item.min_count;
                    view! {
                        <li>
                            <strong>{item.code.clone()}</strong> " " {item.name_vi.clone()}
                            <span class="muted">{move || format!(" — {}{}{}",
                                if required { l().pick("bắt buộc", "required") } else { l().pick("không bắt buộc", "optional") },
                                match kind { ItemKind::Document => l().pick(", tài liệu", ", document"), ItemKind::Photo => l().pick(", ảnh", ", photos"), ItemKind::Sample => l().pick(", sản phẩm mẫu", ", samples") },
                                if min > 1 { format!(", {} {min}", l().pick("tối thiểu", "at least")) } else { String::new() })}</span>
                            {item.note_vi.clone().map(|n| view! { <div class="muted">{n}</div> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
    }
}

// ---------------------------------------------------------------------------------------------
// /forms/:id

#[component]
pub fn FormPage() -> impl IntoView {
    let lang = use_lang();
    let id = id_param();
    let reload = RwSignal::new(0u32);
    let detail = Resource::new(move || (id(), reload.get()), |(id, _)| get_form(id));
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Phiếu đánh giá", "Score form").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => view! { <FormScreen detail=d on_change=Callback::new(move |_| reload.update(|v| *v += 1))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn FormScreen(detail: FormDetail, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let FormDetail { summary, form, rule_set, full_rule_set, versions, can_edit } = detail;
    let id = summary.id;
    let editable = can_edit && summary.status == "draft";
    let status = summary.status.clone();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<AppError>);
    let new_version = Action::new(move |_: &()| async move { new_form_version(id).await });
    Effect::new(move |_| match new_version.value().get() {
        Some(Ok(new_id)) => navigate(&format!("/forms/{new_id}"), Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let name = form.name_vi.clone();
    view! {
        <p><A href=format!("/rulesets/{}", rule_set.id)>{format!("← {}", rule_set.title_vi)}</A></p>
        <h1 id="form-title">{name}</h1>
        <p class="muted">
            {form.code.clone()} " · " {tr!("phiên bản ", "version ")} {summary.version} " · "
            <span class=format!("status status-{}", summary.status) id="form-status">{move || status_label(&status, lang.get())}</span>
            {summary.current.then(|| view! { " · " <span class="tag">{tr!("đang dùng", "current")}</span> })}
        </p>
        <p class="muted">{tr!("Nguồn: ", "Source: ")} {form.source.clone()}</p>
        <p class="downloads">
            <a href=format!("/files/forms/{id}/xlsx") rel="external" download id="download-xlsx">{tr!("Tải XLSX", "Download XLSX")}</a>
            " · "
            <a href=format!("/files/forms/{id}/toml") rel="external" download id="download-toml">{tr!("Tải TOML", "Download TOML")}</a>
        </p>
        {(versions.len() > 1).then(|| view! {
            <p class="version-list">{tr!("Các phiên bản: ", "Versions: ")}
                {versions.into_iter().map(|v| {
                    let st = v.status.clone();
                    view! { <A href=format!("/forms/{}", v.id)>{format!("v{}", v.version)}</A> {move || format!(" ({}) ", status_label(&st, lang.get()))} }
                }).collect_view()}
            </p>
        })}
        {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        {if editable {
            view! { <FormEditor id=id form=form rule_set=full_rule_set on_published=on_change/> }.into_any()
        } else {
            let answers = RwSignal::new(Answers::new());
            view! {
                {can_edit.then(|| view! {
                    <div class="panel">
                        <p>{tr!("Phiếu đã ban hành không sửa trực tiếp: sửa là tạo phiên bản mới (bản nháp), rồi ban hành phiên bản đó.",
                                "A published form is not edited in place: editing creates a new version (a draft), which is then published.")}</p>
                        <button type="button" class="button" id="new-form-version" on:click=move |_| { new_version.dispatch(()); }>
                            {tr!("Tạo phiên bản mới để sửa", "Create a new version to edit")}
                        </button>
                    </div>
                })}
                <h2>{tr!("Phiếu như giám khảo thấy", "The form as a judge sees it")}</h2>
                <p class="hint">{tr!("Có thể chọn thử các phương án để xem tổng điểm; không có gì được lưu.", "You may try options to see the total; nothing is saved.")}</p>
                <ScoreFormView form=RwSignal::new(form) answers=answers rule_set=full_rule_set key="view"/>
            }.into_any()
        }}
    }
}

// ---------------------------------------------------------------------------------------------
// The editor.

fn place(f: &ScoreForm, pi: usize, gi: Option<usize>, ci: Option<usize>) -> Vec<PlaceStep> {
    let mut out = Vec::new();
    let Some(p) = f.parts.get(pi) else { return out };
    out.push(PlaceStep::Part(p.code.clone()));
    let Some(g) = gi.and_then(|gi| p.groups.get(gi)) else { return out };
    out.push(PlaceStep::Group(g.code.clone()));
    let Some(c) = ci.and_then(|ci| g.criteria.get(ci)) else { return out };
    out.push(PlaceStep::Criterion(c.code.clone()));
    out
}

fn criterion_mut(f: &mut ScoreForm, pi: usize, gi: usize, ci: usize) -> Option<&mut Criterion> {
    f.parts.get_mut(pi)?.groups.get_mut(gi)?.criteria.get_mut(ci)
}

/// The problems at one place, next to the fields they are about.
fn issues_at(issues: Memo<Vec<Issue>>, places: impl Fn() -> Vec<Vec<PlaceStep>> + Send + Sync + 'static, id: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="issues" id=id>
            {move || {
                let places = places();
                issues.with(|all| all.iter().filter(|i| places.contains(&i.place.0)).map(|i| {
                    let msg = match lang.get() { Lang::Vi => i.kind.message_vi(), Lang::En => i.kind.message_en() };
                    view! { <li>{msg}</li> }
                }).collect_view())
            }}
        </ul>
    }
}

fn text_field(id: String, label: (&'static str, &'static str), value: String, apply: impl Fn(String) + Send + Sync + 'static) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="ed-field">
            <label for=id.clone()>{move || lang.get().pick(label.0, label.1)}</label>
            <input type="text" id=id value=value on:input=move |ev| apply(event_target_value(&ev))/>
        </div>
    }
}

fn points_field(id: String, label: (&'static str, &'static str), value: Points, apply: impl Fn(Points) + Send + Sync + 'static) -> impl IntoView {
    let lang = use_lang();
    let bad = RwSignal::new(false);
    view! {
        <div class="ed-field ed-points">
            <label for=id.clone()>{move || lang.get().pick(label.0, label.1)}</label>
            <input type="text" inputmode="decimal" id=id value=value.format_vi_compact()
                on:input=move |ev| match Points::parse(&event_target_value(&ev)) {
                    Ok(p) => { bad.set(false); apply(p); }
                    Err(_) => bad.set(true),
                }/>
            {move || bad.get().then(|| view! { <p class="field-error">{tr!("Chưa phải số điểm (ví dụ 5 hoặc 2,5).", "Not a number of points (e.g. 5 or 2.5).")}</p> })}
        </div>
    }
}

fn mandatory_text(m: &[MandatoryMinimum]) -> String {
    m.iter().map(|m| format!("{}:{}", m.stars, m.min.format_vi_compact())).collect::<Vec<_>>().join("; ")
}

fn parse_mandatory(s: &str) -> Option<Vec<MandatoryMinimum>> {
    s.split(';')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(|item| {
            let (stars, min) = item.split_once(':')?;
            Some(MandatoryMinimum { stars: stars.trim().parse().ok()?, min: Points::parse(min).ok()? })
        })
        .collect()
}

fn new_criterion(code: String) -> Criterion {
    Criterion {
        code,
        name_vi: String::new(),
        name_en: None,
        help_vi: None,
        help_en: None,
        max: Points::from_whole(1),
        scale: Scale::Options(vec![
            ScoreOption { points: Points::ZERO, name_vi: "Không đạt".into(), name_en: None, help_vi: None },
            ScoreOption { points: Points::from_whole(1), name_vi: "Đạt".into(), name_en: None, help_vi: None },
        ]),
        mandatory: Vec::new(),
    }
}

fn opt_text(s: String) -> Option<String> {
    Some(s).filter(|s| !s.trim().is_empty())
}

#[component]
fn FormEditor(id: i64, form: ScoreForm, rule_set: RuleSet, on_published: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let form = RwSignal::new(form);
    // Bumped when parts, groups, criteria or options are added or removed: only then is the
    // editor rebuilt, so typing never loses the cursor.
    let structure = RwSignal::new(0u32);
    let rs = StoredValue::new(rule_set.clone());
    let issues = Memo::new(move |_| form.with(|f| rs.with_value(|rs| rules::form_issues(rs, f))));
    let answers = RwSignal::new(Answers::new());
    let saved = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let to_json = move || serde_json::to_string(&form.get_untracked()).unwrap_or_default();
    let save = Action::new(move |_: &()| {
        let json = to_json();
        async move { save_form(id, json).await }
    });
    let publish = Action::new(move |_: &()| {
        let json = to_json();
        async move {
            save_form(id, json).await?;
            publish_form(id).await
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(left)) => {
            error.set(None);
            let n = left.len();
            saved.set(Some(match lang.get_untracked() {
                Lang::Vi if n == 0 => "Đã lưu bản nháp. Phiếu hợp lệ, có thể ban hành.".to_string(),
                Lang::Vi => format!("Đã lưu bản nháp. Còn {n} lỗi cần sửa trước khi ban hành."),
                Lang::En if n == 0 => "Draft saved. The form is valid and may be published.".to_string(),
                Lang::En => format!("Draft saved. {n} problem(s) to fix before publishing."),
            }));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match publish.value().get() {
        Some(Ok(())) => on_published.run(()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });

    let head = {
        let f = form.get_untracked();
        view! {
            <fieldset class="ed-block" id="ed-form">
                <legend>{tr!("Thông tin phiếu", "About the form")}</legend>
                {text_field("ed-name-vi".into(), ("Tên phiếu (tiếng Việt)", "Name (Vietnamese)"), f.name_vi.clone(), move |v| form.update(|f| f.name_vi = v))}
                {text_field("ed-name-en".into(), ("Tên phiếu (tiếng Anh)", "Name (English)"), f.name_en.clone().unwrap_or_default(), move |v| form.update(|f| f.name_en = opt_text(v)))}
                {text_field("ed-source".into(), ("Nguồn (văn bản, phụ lục)", "Source (document, annex)"), f.source.clone(), move |v| form.update(|f| f.source = v))}
                {text_field("ed-applies".into(), ("Áp dụng cho nhóm sản phẩm (mã, cách nhau bằng dấu phẩy)", "Applies to product groups (codes, comma-separated)"), f.applies_to.join(", "),
                    move |v| form.update(|f| f.applies_to = v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()))}
                {points_field("ed-total".into(), ("Tổng điểm của phiếu", "Total points"), f.total, move |p| form.update(|f| f.total = p))}
                {text_field("ed-help".into(), ("Hướng dẫn chung", "General guidance"), f.help_vi.clone().unwrap_or_default(), move |v| form.update(|f| f.help_vi = opt_text(v)))}
                <label class="checkbox">
                    <input type="checkbox" id="ed-official" checked=f.official on:change=move |ev| { let on = event_target_checked(&ev); form.update(|f| f.official = on); }/>
                    {tr!("Phiếu chính thức (chép đúng từ phụ lục của văn bản). Bỏ chọn cho mẫu minh họa.", "Official form (copied exactly from the document's annex). Untick for an illustrative sample.")}
                </label>
                {issues_at(issues, || vec![Vec::new()], "issues-form".into())}
            </fieldset>
        }
    };

    let body = move || {
        structure.track();
        let f = form.get_untracked();
        let parts = f.parts.iter().enumerate().map(|(pi, part)| {
            let groups = part.groups.iter().enumerate().map(|(gi, group)| {
                let criteria = group.criteria.iter().enumerate().map(|(ci, c)| criterion_editor(form, structure, issues, pi, gi, ci, c)).collect_view();
                let gcode = group.code.clone();
                view! {
                    <fieldset class="ed-block ed-group" id=format!("ed-group-{gcode}")>
                        <legend>{tr!("Nhóm tiêu chí ", "Criteria group ")} {gcode.clone()}</legend>
                        {text_field(format!("ed-g-{pi}-{gi}-code"), ("Mã nhóm", "Group code"), group.code.clone(), move |v| form.update(|f| if let Some(g) = f.parts.get_mut(pi).and_then(|p| p.groups.get_mut(gi)) { g.code = v; }))}
                        {text_field(format!("ed-g-{pi}-{gi}-name"), ("Tên nhóm", "Group name"), group.name_vi.clone(), move |v| form.update(|f| if let Some(g) = f.parts.get_mut(pi).and_then(|p| p.groups.get_mut(gi)) { g.name_vi = v; }))}
                        {text_field(format!("ed-g-{pi}-{gi}-help"), ("Hướng dẫn", "Guidance"), group.help_vi.clone().unwrap_or_default(), move |v| form.update(|f| if let Some(g) = f.parts.get_mut(pi).and_then(|p| p.groups.get_mut(gi)) { g.help_vi = opt_text(v); }))}
                        {issues_at(issues, move || vec![form.with(|f| place(f, pi, Some(gi), None))], format!("issues-g-{pi}-{gi}"))}
                        {criteria}
                        <div class="ed-buttons">
                            <button type="button" class="button-secondary small" on:click=move |_| {
                                form.update(|f| if let Some(g) = f.parts.get_mut(pi).and_then(|p| p.groups.get_mut(gi)) {
                                    let code = format!("{}.{}", g.code, g.criteria.len() + 1);
                                    g.criteria.push(new_criterion(code));
                                });
                                structure.update(|v| *v += 1);
                            }>{tr!("+ Thêm tiêu chí", "+ Add criterion")}</button>
                            <button type="button" class="link-button" on:click=move |_| {
                                form.update(|f| if let Some(p) = f.parts.get_mut(pi) { if gi < p.groups.len() { p.groups.remove(gi); } });
                                structure.update(|v| *v += 1);
                            }>{tr!("Xóa nhóm này", "Remove this group")}</button>
                        </div>
                    </fieldset>
                }
            }).collect_view();
            let pcode = part.code.clone();
            view! {
                <fieldset class="ed-block ed-part" id=format!("ed-part-{pcode}")>
                    <legend>{tr!("Phần ", "Part ")} {pcode.clone()}</legend>
                    {text_field(format!("ed-p-{pi}-code"), ("Mã phần", "Part code"), part.code.clone(), move |v| form.update(|f| if let Some(p) = f.parts.get_mut(pi) { p.code = v; }))}
                    {text_field(format!("ed-p-{pi}-name"), ("Tên phần", "Part name"), part.name_vi.clone(), move |v| form.update(|f| if let Some(p) = f.parts.get_mut(pi) { p.name_vi = v; }))}
                    {points_field(format!("ed-p-{pi}-max"), ("Điểm tối đa của phần", "Part maximum"), part.max, move |x| form.update(|f| if let Some(p) = f.parts.get_mut(pi) { p.max = x; }))}
                    {issues_at(issues, move || vec![form.with(|f| place(f, pi, None, None))], format!("issues-p-{pi}"))}
                    {groups}
                    <div class="ed-buttons">
                        <button type="button" class="button-secondary small" on:click=move |_| {
                            form.update(|f| if let Some(p) = f.parts.get_mut(pi) {
                                let code = format!("{}{}", p.code, p.groups.len() + 1);
                                p.groups.push(CriteriaGroup { criteria: vec![new_criterion(format!("{code}.1"))], code, name_vi: String::new(), name_en: None, help_vi: None, help_en: None });
                            });
                            structure.update(|v| *v += 1);
                        }>{tr!("+ Thêm nhóm tiêu chí", "+ Add criteria group")}</button>
                        <button type="button" class="link-button" on:click=move |_| {
                            form.update(|f| if pi < f.parts.len() { f.parts.remove(pi); });
                            structure.update(|v| *v += 1);
                        }>{tr!("Xóa phần này", "Remove this part")}</button>
                    </div>
                </fieldset>
            }
        }).collect_view();
        view! {
            {parts}
            <button type="button" class="button-secondary small" on:click=move |_| {
                form.update(|f| {
                    let code = char::from(b'A' + u8::try_from(f.parts.len() % 26).unwrap_or(0)).to_string();
                    f.parts.push(Part { groups: vec![CriteriaGroup { criteria: vec![new_criterion(format!("{code}1.1"))], code: format!("{code}1"), name_vi: String::new(), name_en: None, help_vi: None, help_en: None }], code, name_vi: String::new(), name_en: None, max: Points::from_whole(1), help_vi: None, help_en: None });
                });
                structure.update(|v| *v += 1);
            }>{tr!("+ Thêm phần", "+ Add part")}</button>
        }
    };

    let count = move || issues.with(Vec::len);
    view! {
        <div class="editor" id="editor">
            <div class="editor-status" role="status" aria-live="polite" id="editor-status">
                {move || if count() == 0 {
                    view! { <p class="notice notice-success" id="form-valid">{tr!("Phiếu hợp lệ: các tiêu chí cộng đủ điểm từng phần, các phần cộng đủ tổng điểm.", "The form is valid: criteria add up to each part, parts add up to the total.")}</p> }.into_any()
                } else {
                    view! {
                        <div class="notice notice-error" id="form-issues">
                            <p><strong>{move || match lang.get() { Lang::Vi => format!("Phiếu còn {} lỗi:", count()), Lang::En => format!("{} problem(s):", count()) }}</strong></p>
                            <ul>{move || issues.with(|all| all.iter().map(|i| {
                                let msg = match lang.get() { Lang::Vi => i.message_vi(), Lang::En => i.message_en() };
                                view! { <li>{msg}</li> }
                            }).collect_view())}</ul>
                        </div>
                    }.into_any()
                }}
                {move || saved.get().map(|m| view! { <p class="notice notice-success" id="saved">{m}</p> })}
                {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            </div>
            <div class="editor-layout">
                <div class="editor-pane">
                    {head}
                    {body}
                    <div class="ed-actions">
                        <button type="button" class="button-secondary" id="save-draft" disabled=move || save.pending().get() on:click=move |_| { saved.set(None); save.dispatch(()); }>
                            {tr!("Lưu bản nháp", "Save draft")}
                        </button>
                        <button type="button" class="button" id="publish-form" disabled=move || publish.pending().get() || count() != 0 on:click=move |_| { publish.dispatch(()); }>
                            {tr!("Ban hành phiếu", "Publish form")}
                        </button>
                    </div>
                </div>
                <div class="preview-pane">
                    <h2>{tr!("Xem trước như giám khảo thấy", "Preview as a judge sees it")}</h2>
                    <ScoreFormView form=form answers=answers rule_set=rule_set key="preview"/>
                </div>
            </div>
        </div>
    }
}

fn criterion_editor(
    form: RwSignal<ScoreForm>,
    structure: RwSignal<u32>,
    issues: Memo<Vec<Issue>>,
    pi: usize,
    gi: usize,
    ci: usize,
    c: &Criterion,
) -> impl IntoView {
    let lang = use_lang();
    let code = c.code.clone();
    let bad_mandatory = RwSignal::new(false);
    let edit = move |apply: Box<dyn FnOnce(&mut Criterion)>| form.update(|f| if let Some(c) = criterion_mut(f, pi, gi, ci) { apply(c); });
    let numeric = matches!(c.scale, Scale::Numeric(_));
    let scale = match &c.scale {
        Scale::Options(options) => {
            let rows = options.iter().enumerate().map(|(oi, o)| {
                let here = move || {
                    let mut p = form.with(|f| place(f, pi, Some(gi), Some(ci)));
                    p.push(PlaceStep::Option(oi + 1));
                    vec![p]
                };
                view! {
                    <li class="ed-option">
                        {text_field(format!("c-{code}-o{oi}-name"), ("Phương án", "Option"), o.name_vi.clone(), move |v| edit(Box::new(move |c: &mut Criterion| if let Scale::Options(o) = &mut c.scale { if let Some(o) = o.get_mut(oi) { o.name_vi = v; } })))}
                        {points_field(format!("c-{code}-o{oi}-points"), ("Điểm", "Points"), o.points, move |p| edit(Box::new(move |c: &mut Criterion| if let Scale::Options(o) = &mut c.scale { if let Some(o) = o.get_mut(oi) { o.points = p; } })))}
                        <button type="button" class="link-button" on:click=move |_| {
                            edit(Box::new(move |c: &mut Criterion| if let Scale::Options(o) = &mut c.scale { if oi < o.len() { o.remove(oi); } }));
                            structure.update(|v| *v += 1);
                        }>{tr!("Xóa", "Remove")}</button>
                        {issues_at(issues, here, format!("issues-c-{code}-o{oi}"))}
                    </li>
                }
            }).collect_view();
            view! {
                <ol class="ed-options">{rows}</ol>
                <button type="button" class="button-secondary small" on:click=move |_| {
                    edit(Box::new(|c: &mut Criterion| if let Scale::Options(o) = &mut c.scale { o.push(ScoreOption { points: Points::ZERO, name_vi: String::new(), name_en: None, help_vi: None }); }));
                    structure.update(|v| *v += 1);
                }>{tr!("+ Thêm phương án", "+ Add option")}</button>
            }.into_any()
        }
        Scale::Numeric(r) => {
            let r = *r;
            view! {
                <div class="ed-numeric">
                    {points_field(format!("c-{code}-min"), ("Nhập từ", "From"), r.min, move |p| edit(Box::new(move |c: &mut Criterion| if let Scale::Numeric(r) = &mut c.scale { r.min = p; })))}
                    {points_field(format!("c-{code}-rmax"), ("đến", "to"), r.max, move |p| edit(Box::new(move |c: &mut Criterion| if let Scale::Numeric(r) = &mut c.scale { r.max = p; })))}
                    {points_field(format!("c-{code}-step"), ("bước", "step"), r.step, move |p| edit(Box::new(move |c: &mut Criterion| if let Scale::Numeric(r) = &mut c.scale { r.step = p; })))}
                </div>
            }.into_any()
        }
    };
    let here = move || {
        let p = form.with(|f| place(f, pi, Some(gi), Some(ci)));
        let code = p.last().cloned();
        let mut v = vec![p];
        if let Some(code) = code {
            v.push(vec![code]);
        }
        v
    };
    view! {
        <fieldset class="ed-block ed-criterion" id=format!("ed-crit-{code}")>
            <legend>{tr!("Tiêu chí ", "Criterion ")} {code.clone()}</legend>
            {text_field(format!("c-{code}-code"), ("Mã tiêu chí", "Criterion code"), c.code.clone(), move |v| edit(Box::new(move |c: &mut Criterion| c.code = v)))}
            {text_field(format!("c-{code}-name"), ("Tên tiêu chí", "Criterion name"), c.name_vi.clone(), move |v| edit(Box::new(move |c: &mut Criterion| c.name_vi = v)))}
            {points_field(format!("c-{code}-max"), ("Điểm tối đa", "Maximum"), c.max, move |p| edit(Box::new(move |c: &mut Criterion| c.max = p)))}
            {text_field(format!("c-{code}-help"), ("Hướng dẫn chấm", "Scoring guidance"), c.help_vi.clone().unwrap_or_default(), move |v| edit(Box::new(move |c: &mut Criterion| c.help_vi = opt_text(v))))}
            <div class="ed-field">
                <label for=format!("c-{code}-mandatory")>{tr!("Tiêu chí bắt buộc (*): hạng sao:điểm tối thiểu, ví dụ 3:1; 4:2 — để trống nếu không bắt buộc", "Mandatory (*): stars:minimum, e.g. 3:1; 4:2 — empty if not mandatory")}</label>
                <input type="text" id=format!("c-{code}-mandatory") value=mandatory_text(&c.mandatory)
                    on:input=move |ev| match parse_mandatory(&event_target_value(&ev)) {
                        Some(m) => { bad_mandatory.set(false); edit(Box::new(move |c: &mut Criterion| c.mandatory = m)); }
                        None => bad_mandatory.set(true),
                    }/>
                {move || bad_mandatory.get().then(|| view! { <p class="field-error">{tr!("Hãy ghi dạng 3:1; 4:2.", "Write it as 3:1; 4:2.")}</p> })}
            </div>
            <div class="ed-field">
                <label for=format!("c-{code}-scale")>{tr!("Cách chấm", "How it is scored")}</label>
                <select id=format!("c-{code}-scale") on:change=move |ev| {
                    let to_numeric = event_target_value(&ev) == "numeric";
                    edit(Box::new(move |c: &mut Criterion| {
                        c.scale = if to_numeric {
                            Scale::Numeric(NumericRange { min: Points::ZERO, max: c.max, step: Points::from_hundredths(1) })
                        } else {
                            Scale::Options(vec![
                                ScoreOption { points: Points::ZERO, name_vi: "Không đạt".into(), name_en: None, help_vi: None },
                                ScoreOption { points: c.max, name_vi: "Đạt".into(), name_en: None, help_vi: None },
                            ])
                        };
                    }));
                    structure.update(|v| *v += 1);
                }>
                    <option value="options" selected=!numeric>{move || lang.get().pick("Chọn một phương án", "Pick one option")}</option>
                    <option value="numeric" selected=numeric>{move || lang.get().pick("Nhập số điểm", "Type a number")}</option>
                </select>
            </div>
            {issues_at(issues, here, format!("issues-c-{code}"))}
            {scale}
            <button type="button" class="link-button" on:click=move |_| {
                form.update(|f| if let Some(g) = f.parts.get_mut(pi).and_then(|p| p.groups.get_mut(gi)) { if ci < g.criteria.len() { g.criteria.remove(ci); } });
                structure.update(|v| *v += 1);
            }>{tr!("Xóa tiêu chí này", "Remove this criterion")}</button>
        </fieldset>
    }
}
