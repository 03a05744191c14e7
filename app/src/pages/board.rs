//! The secretary's board (bảng tổng hợp): products × members with each sheet's status, and —
//! when the phase allows — the totals, mean, median, spread and standard deviation; flagged
//! spreads, quorum, reminders, re-score requests, the chair's reasons, paper sheets, the
//! council's comments; a member's sheet with its history; and the printable minutes (biên bản).

use domain::{
    council::{MemberRole, ScoreView},
    workflow::{round::RoundState, sheet::SheetState},
    Points,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api::scoring::{
        add_comment, board_sheet, get_board, get_minutes, paper_save, paper_sheet, remind, request_rescore, set_finalise_note, Board, BoardRow,
        Member, Minutes, SheetDetail,
    },
    components::{forms::ErrorNotice, score_form::ScoreFormView, upload::FileUpload},
    errors::AppError,
    i18n::{format_date, format_ts, use_lang, Lang},
    pages::{
        judge::{entitlement_note, sheet_state_class, sheet_state_label},
        status::round_state_label,
    },
    tr,
};

fn pts(p: Points, lang: Lang) -> String {
    match lang {
        Lang::Vi => p.format_vi(),
        Lang::En => p.format_en(),
    }
}

fn param_i64(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0)
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let lang = use_lang();
    let id = param_i64("id");
    let refresh = RwSignal::new(0u32);
    let board = Resource::new(move || (id(), refresh.get()), |(id, _)| get_board(id));
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Bảng tổng hợp điểm", "Score board").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(b) => board_view(b, refresh).into_any(),
                }
            })}
        </Transition>
    }
}

fn short_name(full: &str) -> String {
    // "Nguyễn Văn An" → "An" would be ambiguous; keep the last two words.
    let words: Vec<&str> = full.split_whitespace().collect();
    words[words.len().saturating_sub(2)..].join(" ")
}

/// The answer to a paper-sheet workbook import (`backend::paper_files::ImportReport`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
struct ImportReport {
    entered: Vec<String>,
    refused: Vec<String>,
}

/// Download the template, fill it from the paper sheets, upload it: each member's column is
/// entered for them.
fn paper_workbook(council_id: i64, refresh: RwSignal<u32>) -> impl IntoView {
    let report = RwSignal::new(None::<ImportReport>);
    let on_response = Callback::new(move |body: String| {
        report.set(serde_json::from_str::<ImportReport>(&body).ok());
    });
    view! {
        <details class="panel paper-workbook">
            <summary>{tr!("Nhập phiếu giấy bằng tệp Excel", "Enter paper sheets from an Excel file")}</summary>
            <ol>
                <li><a href=format!("/files/councils/{council_id}/paper-sheets.xlsx") download>{tr!("Tải tệp mẫu (.xlsx)", "Download the template (.xlsx)")}</a>
                    {tr!(": mỗi trang một sản phẩm, mỗi cột một thành viên; ghi số thứ tự phương án thành viên đã chọn.", ": one sheet per product, one column per member; write the number of the option the member chose.")}</li>
                <li>{tr!("Chọn tệp đã điền để nhập:", "Choose the filled file to import:")}
                    <FileUpload url=format!("/files/councils/{council_id}/paper-sheets") accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()
                        input_id="paper-file".to_string() on_uploaded=Callback::new(move |_| refresh.update(|n| *n += 1)) on_response=on_response/>
                </li>
            </ol>
            {move || report.get().map(|r| view! {
                <div class="import-report" role="status">
                    {(!r.entered.is_empty()).then(|| view! {
                        <p><strong>{tr!("Đã nhập:", "Entered:")}</strong></p>
                        <ul>{r.entered.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}</ul>
                    })}
                    {(!r.refused.is_empty()).then(|| view! {
                        <p class="field-error"><strong>{tr!("Chưa nhập được:", "Not entered:")}</strong></p>
                        <ul class="field-error">{r.refused.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}</ul>
                    })}
                </div>
            })}
        </details>
    }
}

fn board_view(b: Board, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let numbers = b.view >= ScoreView::Board;
    let scorers: Vec<Member> = b.members.iter().filter(|m| m.role.scores()).cloned().collect();
    let phase = b.round_state;
    let can_remind = phase.accepts_scores() && (b.office || matches!(b.my_role, Some(MemberRole::Secretary | MemberRole::Chair)));
    let cid = b.council.id;
    let remind_action = Action::new(move |_: &()| remind(cid));
    let remind_result = move || {
        remind_action.value().get().map(|r| match r {
            Ok(n) => view! { <p class="notice notice-success">{move || lang.get().pick(format!("Đã nhắc {n} thành viên."), format!("{n} members reminded."))}</p> }.into_any(),
            Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
        })
    };
    let limit = b.spread_limit;
    let head = scorers
        .iter()
        .map(|m| {
            let role = m.role;
            view! { <th scope="col" title=m.full_name.clone()>{short_name(&m.full_name)}<br/><span class="muted">{move || lang.get().pick(role.label_vi(), role.label_en())}</span></th> }
        })
        .collect_view();
    let ctx = RowCtx { numbers, phase, office: b.office, my_role: b.my_role, council_id: cid, members: scorers.clone() };
    let rows = b.rows.iter().map(|r| row_view(r.clone(), ctx.clone(), refresh)).collect_view();
    let details = b.rows.iter().map(|r| row_actions(r.clone(), ctx.clone(), refresh)).collect_view();
    view! {
        <h1>{tr!("Bảng tổng hợp điểm", "Score board")}</h1>
        <p class="muted">{b.council.name.clone()} " · " {b.round_name.clone()} " · "
            <span class="state">{move || round_state_label(phase, lang.get())}</span></p>
        <p>{move || lang.get().pick(
            format!("Mức chênh lệch cho phép giữa các thành viên: {} điểm.", limit.format_vi_compact()),
            format!("Spread limit between members: {} points.", limit.format_en_compact()),
        )}</p>
        {(!numbers).then(|| view! {
            <p class="notice">{tr!(
                "Bạn chấm điểm nên chỉ thấy trạng thái phiếu, số phiếu đã nộp và cảnh báo chênh lệch — chưa thấy điểm của thành viên khác cho đến khi hội đồng chuyển sang thảo luận.",
                "You score, so you see sheet statuses, quorum and spread flags — not other members' numbers until the council deliberates."
            )}</p>
        })}
        <p class="actions">
            {can_remind.then(|| view! {
                <button type="button" class="button" id="remind" on:click=move |_| { remind_action.dispatch(()); }>{tr!("Nhắc thành viên chưa nộp phiếu", "Remind members who have not submitted")}</button>
            })}
            " " <A href=format!("/councils/{cid}")>{tr!("Thông tin hội đồng", "Council")}</A>
            {matches!(phase, RoundState::Finalised | RoundState::Published | RoundState::Archived).then(|| view! {
                " " <A href=format!("/councils/{cid}/minutes") attr:class="button">{tr!("Biên bản họp hội đồng", "Council minutes")}</A>
            })}
        </p>
        {remind_result}
        {(phase.accepts_scores() && (b.office || b.my_role == Some(MemberRole::Secretary))).then(|| paper_workbook(cid, refresh))}
        <div class="table-wrap">
            <table class="board" id="board">
                <thead>
                    <tr>
                        <th scope="col">{tr!("Sản phẩm", "Product")}</th>
                        {head}
                        {numbers.then(|| view! {
                            <th scope="col">{tr!("Trung bình", "Mean")}</th>
                            <th scope="col">{tr!("Trung vị", "Median")}</th>
                            <th scope="col">{tr!("Chênh lệch", "Spread")}</th>
                            <th scope="col">{tr!("Độ lệch chuẩn", "Std. dev.")}</th>
                        })}
                        <th scope="col">{tr!("Số phiếu (đủ?)", "Quorum")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2>{tr!("Từng sản phẩm", "Product by product")}</h2>
        {details}
    }
}

#[derive(Clone)]
struct RowCtx {
    numbers: bool,
    phase: RoundState,
    office: bool,
    my_role: Option<MemberRole>,
    council_id: i64,
    members: Vec<Member>,
}

fn row_view(r: BoardRow, ctx: RowCtx, _refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let cells = r
        .cells
        .iter()
        .map(|c| {
            let state = c.state;
            let note = c.entitlement.clone();
            let scores = c.entitlement.scores();
            let total = c.total;
            let sheet = c.sheet_id;
            let outlier = c.outlier;
            let paper = c.on_paper;
            view! {
                <td class:outlier=outlier class:not-scoring=!scores>
                    {if scores {
                        view! {
                            <span class=sheet_state_class(state)>{move || sheet_state_label(state, lang.get())}</span>
                            {total.map(|t| {
                                let label = move || pts(t, lang.get());
                                match sheet {
                                    Some(id) => view! { <br/><A href=format!("/sheets/{id}")><strong>{label}</strong></A> }.into_any(),
                                    None => view! { <br/><strong>{label}</strong> }.into_any(),
                                }
                            })}
                            {paper.then(|| view! { <span class="muted" title="paper">{tr!(" (giấy)", " (paper)")}</span> })}
                            {outlier.then(|| view! { <span class="flag" title="outlier">" ⚠"</span> })}
                        }.into_any()
                    } else {
                        view! { <span class="muted" title=move || entitlement_note(&note, lang.get()).unwrap_or_default()>"—"</span> }.into_any()
                    }}
                </td>
            }
        })
        .collect_view();
    let stats = r.stats.clone();
    let q = r.quorum;
    let flagged = r.flagged;
    view! {
        <tr class:flagged=flagged data-dossier=r.dossier_id.to_string()>
            <th scope="row">
                <a href=format!("#product-{}", r.dossier_id)>{r.product_name.clone()}</a>
                <div class="muted">{r.producer_name.clone()}</div>
                {flagged.then(|| view! { <span class="state state-warn">{tr!("Chênh lệch vượt mức", "Spread over the limit")}</span> })}
            </th>
            {cells}
            {ctx.numbers.then(|| {
                let s = stats.clone();
                let s2 = stats.clone();
                let s3 = stats.clone();
                let s4 = stats.clone();
                view! {
                    <td class="num">{move || s.as_ref().map(|a| a.mean.to_hundredths()).map(|m| pts(m, lang.get())).unwrap_or_default()}</td>
                    <td class="num">{move || s2.as_ref().map(|a| a.median.to_hundredths()).map(|m| pts(m, lang.get())).unwrap_or_default()}</td>
                    <td class="num">{move || s3.as_ref().map(|a| pts(a.spread, lang.get())).unwrap_or_default()}</td>
                    <td class="num">{move || s4.as_ref().map(|a| format!("{:.2}", a.std_dev)).unwrap_or_default()}</td>
                }
            })}
            <td class:ok=q.met class:bad=!q.met>{format!("{}/{} ({})", q.submitted, q.entitled, q.required)} {if q.met { " ✓" } else { " ✗" }}</td>
        </tr>
    }
}

/// Under the table, one panel per product: what blocks it, and the actions the caller may take.
fn row_actions(r: BoardRow, ctx: RowCtx, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let dossier_id = r.dossier_id;
    let chair = ctx.my_role == Some(MemberRole::Chair);
    let may_rescore = ctx.phase == RoundState::Reconciliation && (chair || ctx.office);
    let may_note = chair && matches!(ctx.phase, RoundState::Reconciliation | RoundState::Deliberation);
    let may_paper = ctx.phase.accepts_scores() && (ctx.office || ctx.my_role == Some(MemberRole::Secretary));
    let may_comment = ctx.phase == RoundState::Deliberation && ctx.my_role.is_some_and(|r| r != MemberRole::Support);
    let blockers = r.blockers_vi.clone();
    let blockers_en = r.blockers_en.clone();
    let submitted: Vec<(i64, String, bool)> = r
        .cells
        .iter()
        .filter(|c| matches!(c.state, SheetState::Submitted))
        .filter_map(|c| ctx.members.iter().find(|m| m.id == c.member_id).map(|m| (m.id, m.full_name.clone(), c.outlier)))
        .collect();
    let chosen = RwSignal::new(submitted.iter().filter(|s| s.2).map(|s| s.0).collect::<Vec<i64>>());
    let reason = RwSignal::new(String::new());
    let rescore = Action::new(move |(ids, reason): &(Vec<i64>, String)| {
        let (ids, reason) = (ids.clone(), reason.clone());
        async move { request_rescore(dossier_id, ids, reason).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = rescore.value().get() {
            refresh.update(|n| *n += 1);
        }
    });
    let note = RwSignal::new(r.finalise_note.clone().unwrap_or_default());
    let save_note = Action::new(move |n: &String| {
        let n = n.clone();
        async move { set_finalise_note(dossier_id, n).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save_note.value().get() {
            refresh.update(|n| *n += 1);
        }
    });
    let comment_text = RwSignal::new(String::new());
    let comment = Action::new(move |b: &String| {
        let b = b.clone();
        async move { add_comment(dossier_id, b).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = comment.value().get() {
            comment_text.set(String::new());
            refresh.update(|n| *n += 1);
        }
    });
    let errors = move || {
        [rescore.value().get().and_then(|r| r.err()), save_note.value().get().and_then(|r| r.err()), comment.value().get().and_then(|r| r.err())]
            .into_iter()
            .flatten()
            .map(|e: AppError| view! { <ErrorNotice error=e/> })
            .collect_view()
    };
    let comments = r.comments.clone();
    let cid = ctx.council_id;
    let paper_members: Vec<(i64, String)> = r
        .cells
        .iter()
        .filter(|c| c.entitlement.scores() && !matches!(c.state, SheetState::Submitted | SheetState::Locked))
        .filter_map(|c| ctx.members.iter().find(|m| m.id == c.member_id).map(|m| (m.id, m.full_name.clone())))
        .collect();
    view! {
        <section class="panel product-panel" id=format!("product-{dossier_id}")>
            <h3>{r.product_name.clone()}</h3>
            {if blockers.is_empty() {
                view! { <p class="notice notice-success">{tr!("Đủ điều kiện chốt kết quả.", "Ready to be finalised.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="blockers">
                        {move || {
                            let list = if lang.get() == Lang::Vi { blockers.clone() } else { blockers_en.clone() };
                            list.into_iter().map(|b| view! { <li>{b}</li> }).collect_view()
                        }}
                    </ul>
                }.into_any()
            }}
            {r.finalise_note.clone().map(|n| view! { <p><strong>{tr!("Lý do Chủ tịch ghi nhận: ", "The chair's recorded reason: ")}</strong>{n}</p> })}
            {errors}
            {(may_rescore && !submitted.is_empty()).then(|| view! {
                <form class="rescore-form" on:submit=move |ev| { ev.prevent_default(); rescore.dispatch((chosen.get_untracked(), reason.get_untracked())); }>
                    <fieldset>
                        <legend>{tr!("Đề nghị chấm lại", "Ask for a re-score")}</legend>
                        {submitted.iter().map(|(id, name, _)| {
                            let id = *id;
                            view! {
                                <label class="check">
                                    <input type="checkbox" name="member" value=id.to_string()
                                        prop:checked=move || chosen.with(|c| c.contains(&id))
                                        on:change=move |ev| { let on = event_target_checked(&ev); chosen.update(|c| { c.retain(|x| *x != id); if on { c.push(id); } }); }/>
                                    " " {name.clone()}
                                </label>
                            }
                        }).collect_view()}
                        <label>{tr!("Lý do", "Reason")}
                            <textarea name="reason" rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                        </label>
                        <button type="submit" class="button">{tr!("Gửi đề nghị chấm lại", "Send the request")}</button>
                    </fieldset>
                </form>
            })}
            {may_note.then(|| view! {
                <form class="note-form" on:submit=move |ev| { ev.prevent_default(); save_note.dispatch(note.get_untracked()); }>
                    <label>{tr!("Lý do chốt kết quả khi chưa đủ số phiếu hoặc còn chênh lệch (Chủ tịch ghi)", "Reason to finalise without quorum or with a spread (the chair records it)")}
                        <textarea name="note" rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="submit" class="button">{tr!("Ghi lý do", "Record")}</button>
                </form>
            })}
            {(may_paper && !paper_members.is_empty()).then(|| view! {
                <p class="paper-links">{tr!("Nhập phiếu giấy thay: ", "Enter a paper sheet for: ")}
                    {paper_members.into_iter().map(|(mid, name)| view! {
                        <A href=format!("/councils/{cid}/paper/{mid}/{dossier_id}")>{name}</A> " "
                    }).collect_view()}
                </p>
            })}
            {(!comments.is_empty() || may_comment).then(|| view! {
                <h4>{tr!("Ý kiến thảo luận", "Discussion")}</h4>
                <ul class="comments">
                    {comments.iter().map(|c| view! { <li><strong>{c.author.clone()}</strong> <span class="muted">{format_ts(&c.at)}</span><p>{c.body.clone()}</p></li> }).collect_view()}
                </ul>
            })}
            {may_comment.then(|| view! {
                <form on:submit=move |ev| { ev.prevent_default(); comment.dispatch(comment_text.get_untracked()); }>
                    <label>{tr!("Ý kiến của bạn", "Your comment")}
                        <textarea name="comment" rows="2" prop:value=move || comment_text.get() on:input=move |ev| comment_text.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="submit" class="button">{tr!("Gửi ý kiến", "Post")}</button>
                </form>
            })}
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// One member's sheet with its history

#[component]
pub fn BoardSheetPage() -> impl IntoView {
    let lang = use_lang();
    let id = param_i64("id");
    let detail = Resource::new(id, board_sheet);
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Phiếu chấm của thành viên", "A member's sheet").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => sheet_detail_view(d).into_any(),
                }
            })}
        </Transition>
    }
}

fn sheet_detail_view(d: SheetDetail) -> impl IntoView {
    let lang = use_lang();
    let answers = RwSignal::new(d.sheet.answers.clone());
    let notes = RwSignal::new(d.sheet.notes.clone());
    let form = d.form.clone();
    let state = d.sheet.state;
    let key = format!("view-{}", d.sheet.id);
    view! {
        <h1>{tr!("Phiếu chấm của ", "Score sheet of ")}{d.member_name.clone()}</h1>
        <p><span class=sheet_state_class(state)>{move || sheet_state_label(state, lang.get())}</span>
            {d.sheet.on_paper.then(|| view! { <span class="muted">{tr!(" · nhập từ phiếu giấy", " · entered from paper")}</span> })}</p>
        <h2>{tr!("Lịch sử", "History")}</h2>
        <table class="history">
            <thead><tr><th>{tr!("Phiên bản", "Version")}</th><th>{tr!("Sự kiện", "Event")}</th><th>{tr!("Tổng điểm", "Total")}</th><th>{tr!("Người thực hiện", "By")}</th><th>{tr!("Lúc", "At")}</th></tr></thead>
            <tbody>
                {d.history.iter().map(|h| {
                    let total = h.total;
                    let event = match h.event.as_str() {
                        "sheet.submit" => ("Nộp phiếu", "Submitted"),
                        "sheet.paper_submit" => ("Thư ký nhập phiếu giấy", "Paper sheet entered"),
                        "reopen" => ("Mở lại để chấm lại", "Reopened for re-scoring"),
                        "lock" => ("Khóa khi chốt kết quả", "Locked at finalisation"),
                        _ => ("Thay đổi", "Change"),
                    };
                    view! {
                        <tr>
                            <td>{h.version}</td>
                            <td>{move || lang.get().pick(event.0, event.1)}{h.note.clone().map(|n| format!(" — {n}"))}</td>
                            <td class="num">{move || pts(total, lang.get())}</td>
                            <td>{h.actor_label.clone()}</td>
                            <td>{format_ts(&h.at)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <ScoreFormView form=form answers=answers notes=notes read_only=true key=key/>
    }
}

// ---------------------------------------------------------------------------------------------
// Paper sheet entered by the secretary

#[component]
pub fn PaperSheetPage() -> impl IntoView {
    let lang = use_lang();
    let cid = param_i64("id");
    let member = param_i64("member");
    let dossier = param_i64("dossier");
    let detail = Resource::new(move || (member(), dossier()), |(m, d)| paper_sheet(m, d));
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Nhập phiếu giấy", "Enter a paper sheet").to_string()/>
        <p><A href=move || format!("/councils/{}/board", cid())>{tr!("← Bảng tổng hợp", "← Board")}</A></p>
        <h1>{tr!("Nhập phiếu chấm giấy thay thành viên", "Enter a member's paper sheet")}</h1>
        <p class="notice">{tr!(
            "Phiếu được đánh dấu «nhập từ phiếu giấy» và ghi vào nhật ký dưới tên bạn. Hãy giữ bản giấy có chữ ký của thành viên.",
            "The sheet is marked \"entered from paper\" and logged under your name. Keep the member's signed paper copy."
        )}</p>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => view! { <PaperForm d=d member_id=member() dossier_id=dossier() council_id=cid()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PaperForm(d: SheetDetail, member_id: i64, dossier_id: i64, council_id: i64) -> impl IntoView {
    let lang = use_lang();
    let answers = RwSignal::new(d.sheet.answers.clone());
    let notes = RwSignal::new(d.sheet.notes.clone());
    let version = RwSignal::new(d.sheet.version);
    let done = RwSignal::new(None::<String>);
    let save = Action::new(move |submit: &bool| {
        let submit = *submit;
        let (a, n, v) = (answers.get_untracked(), notes.get_untracked(), version.get_untracked());
        async move { paper_save(member_id, dossier_id, v, a, n, submit).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(s)) = save.value().get() {
            version.set(s.version);
            done.set(Some(s.saved_at));
        }
    });
    let error = move || save.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNotice error=e/> });
    let form = d.form.clone();
    let rule_set = d.rule_set.clone();
    let _ = council_id;
    view! {
        {match rule_set {
            Some(rs) => view! { <ScoreFormView form=form answers=answers notes=notes rule_set=rs key="paper".to_string()/> }.into_any(),
            None => view! { <ScoreFormView form=form answers=answers notes=notes key="paper".to_string()/> }.into_any(),
        }}
        {error}
        {move || done.get().map(|at| view! { <p class="notice notice-success" role="status">{move || lang.get().pick(format!("Đã lưu lúc {}", crate::i18n::format_time(&at)), format!("Saved at {}", crate::i18n::format_time(&at)))}</p> })}
        <p class="actions">
            <button type="button" class="button" on:click=move |_| { save.dispatch(false); }>{tr!("Lưu nháp", "Save draft")}</button>
            " "
            <button type="button" class="button" id="paper-submit" on:click=move |_| { save.dispatch(true); }>{tr!("Nộp phiếu thay thành viên", "Submit for the member")}</button>
        </p>
    }
}

// ---------------------------------------------------------------------------------------------
// Minutes

#[component]
pub fn MinutesPage() -> impl IntoView {
    let lang = use_lang();
    let id = param_i64("id");
    let minutes = Resource::new(id, get_minutes);
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Biên bản họp hội đồng", "Council minutes").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match minutes.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(m) => minutes_view(m).into_any(),
                }
            })}
        </Transition>
    }
}

fn minutes_view(m: Minutes) -> impl IntoView {
    let lang = use_lang();
    let scorers: Vec<Member> = m.members.iter().filter(|x| x.role.scores()).cloned().collect();
    let chair = m.members.iter().find(|x| x.role == MemberRole::Chair).map(|x| x.full_name.clone()).unwrap_or_default();
    let secretary = m.members.iter().find(|x| x.role == MemberRole::Secretary).map(|x| x.full_name.clone()).unwrap_or_default();
    let ocop = m.programme == domain::access::Programme::Ocop;
    let head = scorers.iter().map(|x| view! { <th>{x.full_name.clone()}</th> }).collect_view();
    let rows = m
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let totals = r
                .totals
                .iter()
                .map(|(_, t)| {
                    let t = *t;
                    view! { <td class="num">{move || t.map(|t| pts(t, lang.get())).unwrap_or_else(|| "—".into())}</td> }
                })
                .collect_view();
            let mean = r.result.mean;
            let stars = r.result.stars;
            let outcome = r.result.result.outcome.kind;
            view! {
                <tr>
                    <td>{i + 1}</td>
                    <td>{r.product_name.clone()}<div class="muted">{r.producer_name.clone()}</div></td>
                    {totals}
                    <td class="num"><strong>{move || pts(mean, lang.get())}</strong></td>
                    {ocop.then(|| view! { <td>{stars.filter(|s| *s > 0).map(|s| format!("{s}★")).unwrap_or_else(|| "—".into())}</td> })}
                    <td>{move || lang.get().pick(outcome.label_vi(), outcome.label_en())}</td>
                </tr>
            }
        })
        .collect_view();
    let notes: Vec<(String, String)> = m.rows.iter().filter_map(|r| r.finalise_note.clone().map(|n| (r.product_name.clone(), n))).collect();
    view! {
        <div class="print-toolbar no-print">
            <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{tr!("In / lưu PDF", "Print / save as PDF")}</button>
        </div>
        <article class="a4 minutes" lang="vi">
            <header class="motto">
                <p><strong>"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</strong></p>
                <p><strong>"Độc lập - Tự do - Hạnh phúc"</strong></p>
            </header>
            <h1>"BIÊN BẢN HỌP HỘI ĐỒNG"</h1>
            <p class="center"><strong>{m.council.name.clone()}</strong></p>
            <p>{format!("Thành lập theo Quyết định số {} ngày {}.", m.council.decision_no, format_date(m.council.decision_date))}</p>
            <p>{format!("Đợt: {}. Bộ tiêu chí: {}.", m.round_name, m.rule_set_name)}</p>
            <h2>"Thành phần hội đồng"</h2>
            <ol>
                {m.members.iter().map(|x| view! {
                    <li>{x.full_name.clone()} " — " {x.role.label_vi()}{x.position.clone().map(|p| format!(", {p}"))}</li>
                }).collect_view()}
            </ol>
            <h2>"Kết quả chấm điểm"</h2>
            <table class="minutes-table">
                <thead>
                    <tr>
                        <th>"STT"</th><th>"Sản phẩm / chủ thể"</th>
                        {head}
                        <th>"Điểm trung bình"</th>
                        {ocop.then(|| view! { <th>"Hạng sao"</th> })}
                        <th>"Kết quả"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {(!notes.is_empty()).then(|| view! {
                <h2>"Ý kiến của Chủ tịch hội đồng"</h2>
                <ul>{notes.iter().map(|(p, n)| view! { <li><strong>{p.clone()}</strong>": " {n.clone()}</li> }).collect_view()}</ul>
            })}
            <p>"Điểm trung bình là trung bình cộng điểm của các thành viên được chấm sản phẩm, làm tròn đến hai chữ số thập phân."</p>
            <div class="signatures">
                <div><p><strong>"THƯ KÝ HỘI ĐỒNG"</strong></p><p class="muted">"(Ký, ghi rõ họ tên)"</p><p class="sign-name">{secretary}</p></div>
                <div><p><strong>"CHỦ TỊCH HỘI ĐỒNG"</strong></p><p class="muted">"(Ký, ghi rõ họ tên)"</p><p class="sign-name">{chair}</p></div>
            </div>
        </article>
    }
}
