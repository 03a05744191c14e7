//! The judge's declarations of conflicts of interest (kê khai xung đột lợi ích): a tie with a
//! producer whose dossier is before one of the judge's councils. A declaration keeps the judge
//! from scoring that producer's products unless the chair allows it; a mistaken one can be
//! withdrawn (both are audited).

use domain::council::Relationship;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    api::scoring::{declare_conflict, my_declarations, withdraw_conflict, Declarations},
    components::forms::{invalid, ErrorNotice, ErrorSummary, FieldError, FormError},
    i18n::{format_ts, use_lang},
    tr,
};

#[component]
pub fn ConflictsPage() -> impl IntoView {
    let lang = use_lang();
    let refresh = RwSignal::new(0u32);
    let data = Resource::new(move || refresh.get(), |_| my_declarations());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Xung đột lợi ích", "Conflicts of interest").to_string()/>
        <p><A href="/judge">{tr!("← Sản phẩm được phân công", "← Products to score")}</A></p>
        <h1>{tr!("Kê khai xung đột lợi ích", "Declare conflicts of interest")}</h1>
        <p class="lead">{tr!(
            "Nếu bạn có quan hệ với chủ thể có sản phẩm trước hội đồng của mình (gia đình, làm việc, góp vốn, tư vấn, mua bán…), hãy kê khai. Bạn sẽ không chấm sản phẩm của chủ thể đó, trừ khi Chủ tịch hội đồng cho phép và ghi rõ lý do.",
            "If you have a tie with a producer whose product is before your council (family, work, ownership, advice, trade…), declare it. You will not score that producer's products unless the council's chair allows it with a reason."
        )}</p>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => declarations_view(d, refresh).into_any(),
                }
            })}
        </Transition>
    }
}

fn declarations_view(d: Declarations, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let withdraw = Action::new(move |id: &i64| withdraw_conflict(*id));
    Effect::new(move |_| {
        if let Some(Ok(())) = withdraw.value().get() {
            refresh.update(|n| *n += 1);
        }
    });
    let list = if d.mine.is_empty() {
        view! { <p class="empty">{tr!("Bạn chưa kê khai quan hệ nào.", "You have declared no tie.")}</p> }.into_any()
    } else {
        view! {
            <ul class="declaration-list" id="declarations">
                {d.mine.into_iter().map(|x| {
                    let id = x.id;
                    let rel = x.relationship;
                    view! {
                        <li class="card declaration" data-producer=x.producer_id.to_string()>
                            <strong>{x.producer_name.clone()}</strong>
                            <div>{move || lang.get().pick(rel.label_vi(), rel.label_en())}</div>
                            {x.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                            <div class="muted">{move || lang.get().pick("Kê khai lúc ", "Declared ")}{format_ts(&x.created_at)}</div>
                            <button type="button" class="link-button withdraw" disabled=move || withdraw.pending().get()
                                on:click=move |_| { withdraw.dispatch(id); }>{tr!("Rút lại (kê khai nhầm)", "Withdraw (declared by mistake)")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }.into_any()
    };
    view! {
        <section class="panel">
            <h2>{tr!("Các quan hệ đã kê khai", "Ties you declared")}</h2>
            {list}
            {move || withdraw.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNotice error=e/> })}
        </section>
        <DeclareForm producers=d.producers refresh=refresh/>
    }
}

#[component]
fn DeclareForm(producers: Vec<crate::api::scoring::ProducerChoice>, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    if producers.is_empty() {
        return view! {
            <section class="panel">
                <h2>{tr!("Kê khai mới", "A new declaration")}</h2>
                <p class="empty">{tr!(
                    "Chưa có chủ thể nào để kê khai: bạn kê khai được khi hội đồng của bạn đã được phân công sản phẩm.",
                    "There is no producer to declare yet: you can once your council has products assigned."
                )}</p>
            </section>
        }
        .into_any();
    }
    let producer = RwSignal::new(String::new());
    let relationship = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let declare = Action::new(move |_: &()| {
        let (p, r, n) = (producer.get_untracked(), relationship.get_untracked(), note.get_untracked());
        async move {
            // An unchosen producer is the service's own "choose from the list" error.
            declare_conflict(p.parse().unwrap_or(0), r, n).await
        }
    });
    let error: FormError = Signal::derive(move || declare.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(())) = declare.value().get() {
            refresh.update(|n| *n += 1);
        }
    });
    view! {
        <section class="panel">
            <h2>{tr!("Kê khai mới", "A new declaration")}</h2>
            <ErrorSummary error=error/>
            <form id="declare" on:submit=move |ev| { ev.prevent_default(); declare.dispatch(()); }>
                <div class="field">
                    <label for="producer_id">{tr!("Chủ thể", "Producer")}</label>
                    <FieldError error=error field="producer_id"/>
                    <select id="producer_id" aria-invalid=invalid(error, "producer_id") on:change=move |ev| producer.set(event_target_value(&ev))>
                        <option value="">{tr!("— Chọn chủ thể —", "— Choose a producer —")}</option>
                        {producers.into_iter().map(|p| view! {
                            <option value=p.producer_id.to_string()>{format!("{} ({})", p.name, p.commune)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <fieldset class="field" id="relationship">
                    <legend>{tr!("Mối quan hệ", "Relationship")}</legend>
                    <FieldError error=error field="relationship"/>
                    <div class="radios">
                        {Relationship::ALL.iter().copied().map(|r| view! {
                            <label class="radio">
                                <input type="radio" name="relationship" value=r.code() on:change=move |_| relationship.set(r.code().to_string())/>
                                <span>{move || lang.get().pick(r.label_vi(), r.label_en())}</span>
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
                <div class="field">
                    <label for="note">{tr!("Ghi chú (không bắt buộc)", "Note (optional)")}</label>
                    <p class="hint">{tr!("Ví dụ: anh ruột của giám đốc hợp tác xã.", "e.g. the co-operative's director is my brother.")}</p>
                    <FieldError error=error field="note"/>
                    <textarea id="note" rows="2" maxlength="500" aria-invalid=invalid(error, "note")
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" class="button" id="declare-submit" disabled=move || declare.pending().get()>{tr!("Kê khai", "Declare")}</button>
            </form>
        </section>
    }
    .into_any()
}
