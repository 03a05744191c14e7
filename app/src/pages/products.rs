//! The producer's products: the list, and one product's form with its photos and history.

use domain::access::Programme;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::{use_navigate, use_params_map}};

use crate::{
    api::products::{create_product, get_product, list_products, product_groups, remove_photo, update_product, GroupOption, ProductForm, ProductView},
    components::{
        forms::{invalid, ErrorNotice, ErrorSummary, FieldError, FormError},
        upload::FileUpload,
    },
    errors::AppError,
    i18n::{use_lang, Lang},
    pages::status::dossier_state_label,
    tr,
};

pub fn programme_name(code: &str, lang: Lang) -> String {
    Programme::from_code(code).map(|p| lang.pick(p.name_vi(), p.name_en()).to_string()).unwrap_or_else(|| code.to_string())
}

fn view_label(code: &str, lang: Lang) -> &'static str {
    match code {
        "front" => lang.pick("Chính diện", "Front"),
        "side" => lang.pick("Bên cạnh", "Side"),
        "top" => lang.pick("Từ trên xuống", "Top"),
        _ => lang.pick("Ảnh khác", "Other"),
    }
}

#[component]
pub fn ProductsPage() -> impl IntoView {
    let lang = use_lang();
    let products = Resource::new(|| (), |_| list_products());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Sản phẩm", "Products").to_string()/>
        <h1>{tr!("Sản phẩm của tôi", "My products")}</h1>
        <p class="lead">{tr!(
            "Nhập sản phẩm một lần, dùng cho mọi đợt đánh giá. Sản phẩm giữ lại lịch sử hồ sơ, kết quả và giấy chứng nhận.",
            "Enter a product once and file it in any round. It keeps its history of dossiers, results and certificates."
        )}</p>
        <p><A href="/products/new" attr:class="button" attr:id="new-product">{tr!("Thêm sản phẩm", "Add a product")}</A></p>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match products.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">{tr!("Chưa có sản phẩm nào. Bấm «Thêm sản phẩm» để bắt đầu.", "No products yet. Press \"Add a product\" to start.")}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="product-list">
                            {list.into_iter().map(|p| {
                                let programme = p.programme.clone();
                                view! {
                                    <li class="product-card">
                                        {match p.first_photo {
                                            Some(ph) => view! { <img src=format!("/files/photos/{ph}?thumb=1") alt="" width="96" height="96" loading="lazy"/> }.into_any(),
                                            None => view! { <span class="photo-placeholder" aria-hidden="true">"★"</span> }.into_any(),
                                        }}
                                        <div>
                                            <A href=format!("/products/{}", p.id)><strong>{p.name}</strong></A>
                                            <div class="muted">{move || programme_name(&programme, lang.get())}</div>
                                            <div class="muted">{move || lang.get().pick(format!("{} ảnh", p.photo_count), format!("{} photos", p.photo_count))}</div>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn ProductEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let reload = RwSignal::new(0u32);
    let product = Resource::new(move || (id(), reload.get()), |(id, _)| async move {
        match id {
            Some(id) => get_product(id).await.map(Some),
            None => Ok(None),
        }
    });
    // Both programmes' groups, so switching the programme needs no new request.
    let ocop_groups = Resource::new(|| (), |_| product_groups("ocop".into()));
    let spcnnttb_groups = Resource::new(|| (), |_| product_groups("spcnnttb".into()));

    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Sản phẩm", "Product").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let (p, og, sg) = (product.await, ocop_groups.await, spcnnttb_groups.await);
                match (p, og, sg) {
                    (Ok(p), Ok(og), Ok(sg)) => view! {
                        <ProductEditor product=p ocop_groups=og spcnnttb_groups=sg on_saved=Callback::new(move |_| reload.update(|v| *v += 1))/>
                    }.into_any(),
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProductEditor(product: Option<ProductView>, ocop_groups: Vec<GroupOption>, spcnnttb_groups: Vec<GroupOption>, on_saved: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let existing_id = product.as_ref().map(|p| p.id);
    let editable = product.as_ref().is_none_or(|p| p.editable);
    let p = product.clone();
    let programme = RwSignal::new(p.as_ref().map(|p| p.programme.clone()).unwrap_or_else(|| "ocop".into()));
    let name = RwSignal::new(p.as_ref().map(|p| p.name.clone()).unwrap_or_default());
    let group = RwSignal::new(p.as_ref().and_then(|p| p.group_code.clone()).unwrap_or_default());
    let description = RwSignal::new(p.as_ref().map(|p| p.description.clone()).unwrap_or_default());
    let raw = RwSignal::new(p.as_ref().map(|p| p.raw_materials.clone()).unwrap_or_default());
    let packaging = RwSignal::new(p.as_ref().map(|p| p.packaging.clone()).unwrap_or_default());
    let items = RwSignal::new(p.as_ref().map(|p| p.items.clone()).unwrap_or_default());
    let is_set = RwSignal::new(p.as_ref().is_some_and(|p| !p.items.is_empty()));
    let saved = RwSignal::new(false);
    let ocop_groups = StoredValue::new(ocop_groups);
    let spcnnttb_groups = StoredValue::new(spcnnttb_groups);

    let save = Action::new(move |form: &ProductForm| {
        let form = form.clone();
        async move {
            match existing_id {
                Some(id) => update_product(id, form).await.map(|_| id),
                None => create_product(form).await,
            }
        }
    });
    let error: FormError = Signal::derive(move || save.value().get().and_then(|r: Result<i64, AppError>| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            saved.set(true);
            if existing_id.is_none() {
                navigate(&format!("/products/{id}"), Default::default());
            } else {
                on_saved.run(());
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let items = if is_set.get_untracked() { items.get_untracked() } else { Vec::new() };
        save.dispatch(ProductForm {
            programme: programme.get_untracked(),
            name: name.get_untracked(),
            group_code: group.get_untracked(),
            description: description.get_untracked(),
            raw_materials: raw.get_untracked(),
            packaging: packaging.get_untracked(),
            items,
        });
    };
    let groups = move || if programme.get() == "spcnnttb" { spcnnttb_groups.get_value() } else { ocop_groups.get_value() };
    let indices = move || (0..items.with(|i| i.len())).collect::<Vec<usize>>();

    view! {
        <h1>{move || match &p { Some(p) => p.name.clone(), None => lang.get().pick("Thêm sản phẩm", "Add a product").to_string() }}</h1>
        <p><A href="/products">{tr!("← Danh sách sản phẩm", "← All products")}</A></p>
        {move || saved.get().then(|| view! { <div class="notice notice-success" role="status">{tr!("Đã lưu sản phẩm.", "Product saved.")}</div> })}
        <ErrorSummary error=error/>
        <form on:submit=submit id="product-form">
            <fieldset disabled=!editable>
                <div class="field" id="programme">
                    <span class="label">{tr!("Chương trình", "Programme")}</span>
                    <FieldError error=error field="programme"/>
                    <div class="radios">
                        {Programme::ALL.into_iter().map(|pr| view! {
                            <label class="radio">
                                <input type="radio" name="programme" value=pr.code() disabled=existing_id.is_some()
                                    prop:checked=move || programme.get() == pr.code()
                                    on:change=move |_| { programme.set(pr.code().to_string()); group.set(String::new()); }/>
                                <span>{move || lang.get().pick(pr.name_vi(), pr.name_en())}</span>
                            </label>
                        }).collect_view()}
                    </div>
                </div>
                <div class="field">
                    <label for="name">{tr!("Tên sản phẩm", "Product name")}</label>
                    <FieldError error=error field="name"/>
                    <input id="name" type="text" maxlength="200" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) aria-invalid=invalid(error, "name")/>
                </div>
                <div class="field">
                    <label for="group_code">{tr!("Nhóm, phân nhóm sản phẩm", "Product group")}</label>
                    <p class="hint">{tr!("Theo bộ tiêu chí đang áp dụng của chương trình.", "From the programme's current rule set.")}</p>
                    <FieldError error=error field="group_code"/>
                    <select id="group_code" required on:change=move |ev| group.set(event_target_value(&ev)) aria-invalid=invalid(error, "group_code")>
                        <option value="" selected=move || group.get().is_empty()>{tr!("— Chọn nhóm —", "— Choose a group —")}</option>
                        {move || groups().into_iter().map(|g| {
                            let code = g.code.clone();
                            let selected = move || group.get() == code;
                            view! { <option value=g.code.clone() selected=selected>{move || lang.get().pick(g.name_vi.clone(), g.name_en.clone())}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="description">{tr!("Mô tả sản phẩm", "Description")}</label>
                    <p class="hint">{tr!("Đặc điểm, công dụng, quy cách, hạn sử dụng…", "Features, use, sizes, shelf life…")}</p>
                    <FieldError error=error field="description"/>
                    <textarea id="description" rows="4" maxlength="4000" prop:value=description on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label for="raw_materials">{tr!("Nguyên liệu và nguồn gốc", "Raw materials and their origin")}</label>
                    <FieldError error=error field="raw_materials"/>
                    <textarea id="raw_materials" rows="3" maxlength="2000" prop:value=raw on:input=move |ev| raw.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label for="packaging">{tr!("Bao bì, nhãn mác", "Packaging and label")}</label>
                    <FieldError error=error field="packaging"/>
                    <textarea id="packaging" rows="3" maxlength="2000" prop:value=packaging on:input=move |ev| packaging.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label class="radio">
                        <input type="checkbox" id="is_set" prop:checked=is_set on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            is_set.set(on);
                            if on && items.with_untracked(|i| i.len() < 2) {
                                items.update(|i| while i.len() < 2 { i.push((String::new(), String::new())) });
                            }
                        }/>
                        <span>{tr!("Đây là bộ sản phẩm (gồm nhiều sản phẩm đăng ký chung)", "This is a product set (several items registered together)")}</span>
                    </label>
                </div>
                <Show when=move || is_set.get()>
                    <fieldset class="set-items">
                        <legend>{tr!("Các sản phẩm trong bộ", "Items in the set")}</legend>
                        <For each=indices key=|i: &usize| *i children=move |i| view! {
                            <div class="set-item" id=format!("item_{i}")>
                                <FieldError error=error field=ITEM_FIELDS[i.min(ITEM_FIELDS.len() - 1)]/>
                                <label for=format!("item-name-{i}")>{move || lang.get().pick(format!("Sản phẩm {}", i + 1), format!("Item {}", i + 1))}</label>
                                <input id=format!("item-name-{i}") type="text" maxlength="200"
                                    prop:value=move || items.with(|v| v.get(i).map(|x| x.0.clone()).unwrap_or_default())
                                    on:input=move |ev| items.update(|v| if let Some(x) = v.get_mut(i) { x.0 = event_target_value(&ev) })/>
                                <label for=format!("item-desc-{i}") class="visually-hidden">{tr!("Mô tả", "Description")}</label>
                                <input id=format!("item-desc-{i}") type="text" maxlength="1000" placeholder=move || lang.get().pick("Mô tả ngắn (không bắt buộc)", "Short description (optional)")
                                    prop:value=move || items.with(|v| v.get(i).map(|x| x.1.clone()).unwrap_or_default())
                                    on:input=move |ev| items.update(|v| if let Some(x) = v.get_mut(i) { x.1 = event_target_value(&ev) })/>
                            </div>
                        }/>
                        <button type="button" class="button-secondary small" on:click=move |_| items.update(|v| v.push((String::new(), String::new())))>
                            {tr!("Thêm sản phẩm vào bộ", "Add an item")}
                        </button>
                        <button type="button" class="button-secondary small" disabled=move || items.with(|v| v.len() <= 2)
                            on:click=move |_| items.update(|v| { v.pop(); })>
                            {tr!("Bỏ sản phẩm cuối", "Remove the last item")}
                        </button>
                    </fieldset>
                </Show>
                <button type="submit" class="button" id="save-product" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { lang.get().pick("Đang lưu…", "Saving…") }
                        else if existing_id.is_some() { lang.get().pick("Lưu thay đổi", "Save changes") }
                        else { lang.get().pick("Lưu và thêm ảnh", "Save and add photos") }}
                </button>
            </fieldset>
        </form>
        {product.map(|p| view! { <Photos product=p on_change=on_saved/> })}
    }
}

/// Field names the server uses for the items of a set (`item_0`, `item_1`…).
const ITEM_FIELDS: [&str; 21] = [
    "item_0", "item_1", "item_2", "item_3", "item_4", "item_5", "item_6", "item_7", "item_8", "item_9", "item_10", "item_11",
    "item_12", "item_13", "item_14", "item_15", "item_16", "item_17", "item_18", "item_19", "item_20",
];

#[component]
fn Photos(product: ProductView, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let id = product.id;
    let view_choice = RwSignal::new("front".to_string());
    let remove = Action::new(|photo: &i64| {
        let photo = *photo;
        async move { remove_photo(photo).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            on_change.run(());
        }
    });
    let missing: Vec<&'static str> = ["front", "side", "top"].into_iter().filter(|v| !product.photos.iter().any(|p| p.view == *v)).collect();
    let history = product.history.clone();
    view! {
        <section class="panel" id="photos">
            <h2>{tr!("Ảnh sản phẩm", "Product photos")}</h2>
            <p class="hint">{tr!(
                "Ảnh màu, rõ nét. Bình chọn SPCNNTTB cần ít nhất 3 ảnh: chính diện, bên cạnh, từ trên xuống. Nhận JPEG, PNG, WebP.",
                "Clear colour photos. The SPCNNTTB selection needs at least 3: front, side and top. JPEG, PNG or WebP."
            )}</p>
            {(!missing.is_empty()).then(|| {
                let list = missing.clone();
                view! { <p class="notice notice-warning">{move || {
                    let names: Vec<&str> = list.iter().map(|v| view_label(v, lang.get())).collect();
                    lang.get().pick(format!("Còn thiếu ảnh: {}.", names.join(", ")), format!("Missing photos: {}.", names.join(", ")))
                }}</p> }
            })}
            {move || remove.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNotice error=e/> })}
            <ul class="photo-grid">
                {product.photos.into_iter().map(|ph| {
                    let pid = ph.id;
                    let v = ph.view.clone();
                    view! {
                        <li>
                            <a href=format!("/files/photos/{pid}") target="_blank" rel="noopener">
                                <img src=format!("/files/photos/{pid}?thumb=1") alt=ph.file_name.clone() width="160" height="160" loading="lazy"/>
                            </a>
                            <div class="muted">{move || view_label(&v, lang.get())}</div>
                            {product.editable.then(|| view! {
                                <button type="button" class="link-button" on:click=move |_| { remove.dispatch(pid); }>{tr!("Xóa ảnh", "Remove")}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {product.editable.then(|| view! {
                <div class="field">
                    <label for="photo-view">{tr!("Góc chụp của ảnh sắp tải lên", "View of the next photo")}</label>
                    <select id="photo-view" on:change=move |ev| view_choice.set(event_target_value(&ev))>
                        {["front", "side", "top", "other"].into_iter().map(|v| view! { <option value=v>{move || view_label(v, lang.get())}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="photo-file">{tr!("Chọn ảnh (có thể chọn nhiều)", "Choose photos (several allowed)")}</label>
                    {move || {
                        let url = format!("/files/products/{id}/photos?view={}", view_choice.get());
                        view! { <FileUpload url=url accept="image/jpeg,image/png,image/webp".to_string() input_id="photo-file".to_string() multiple=true on_uploaded=on_change/> }
                    }}
                </div>
            })}
        </section>
        {(!history.is_empty()).then(|| view! {
            <section class="panel">
                <h2>{tr!("Lịch sử hồ sơ", "Dossier history")}</h2>
                <ul class="summary-list">
                    {history.into_iter().map(|h| {
                        let state = h.state.clone();
                        view! {
                            <li>
                                <A href=format!("/dossiers/{}", h.dossier_id)>{format!("{} ({})", h.round_name, h.year)}</A>
                                " · " {move || dossier_state_label(&state, lang.get())}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
