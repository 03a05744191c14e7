//! Results made official, and the public record.
//!
//! - Public, no log-in: published results of each round (`/results`, `/results/:id`), the catalogue
//!   of certified products (`/catalogue`), verification of a certificate by code or QR
//!   (`/verify`, `/verify/:code`) and the printable A4 certificate (`/verify/:code/print`).
//! - Office: the recognition or revocation decision (`/office/decisions/:id`), the list of
//!   decisions, of expired certificates to revoke, and the import of products certified before
//!   the system from the office's XLSX list with a row-by-row report (`/office/certificates`).
//! - Producer: their certificates with the expiry countdown and "Đánh giá lại"
//!   (`/producer/certificates`).

use domain::access::Programme;
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};

use crate::{
    api::results::{
        certificate_import_report, certificate_imports, get_decision, list_decisions, my_certificates, print_certificate, public_catalogue, public_communes,
        public_results, public_rounds, reevaluate_certificate, revocation_candidates, status_label, verify_certificate,
        CertImportReport, CertificateView, ChoiceView, DecisionView, DraftDecision, SignDecision, CATALOGUE_PER_PAGE,
    },
    components::{
        forms::{action_error, invalid, ErrorNotice, ErrorSummary, FieldError},
        pager::Pager,
        upload::FileUpload,
    },
    errors::AppError,
    i18n::{format_date, use_lang},
    tr,
};

fn stars_text(n: i64) -> String {
    "★".repeat(usize::try_from(n.clamp(0, 5)).unwrap_or(0))
}

fn programme_short(p: Programme) -> &'static str {
    match p {
        Programme::Ocop => "OCOP",
        Programme::Spcnnttb => "SPCNNTTB",
    }
}

/// What a certificate recognises: its stars (OCOP) or its title (SPCNNTTB).
#[component]
fn Recognition(stars: Option<i64>, title_vi: Option<String>, title_en: Option<String>) -> impl IntoView {
    let lang = use_lang();
    match stars {
        Some(s) => Either::Left(view! {
            <span class="stars" aria-label=move || lang.get().pick(format!("{s} sao"), format!("{s} stars"))>{stars_text(s)}</span>
        }),
        None => {
            let (vi, en) = (title_vi.unwrap_or_default(), title_en.unwrap_or_default());
            Either::Right(view! { <span class="title-badge">{move || lang.get().pick(&vi, if en.is_empty() { &vi } else { &en }).to_string()}</span> })
        }
    }
}

#[component]
fn StatusBadge(status: String) -> impl IntoView {
    let lang = use_lang();
    let (vi, en) = status_label(&status);
    view! { <span class=format!("cert-status cert-status-{status}") data-status=status.clone()>{move || lang.get().pick(vi, en)}</span> }
}

// ---------------------------------------------------------------------------------------------
// Public: results

#[component]
pub fn PublicResultsPage() -> impl IntoView {
    let lang = use_lang();
    let rounds = Resource::new(|| (), |_| public_rounds());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Kết quả công bố", "Published results").to_string()/>
        <h1>{tr!("Kết quả đã công bố", "Published results")}</h1>
        <p class="hint">{tr!(
            "Kết quả chính thức theo quyết định công nhận đã ký. Mỗi sản phẩm có điểm trung bình của hội đồng, không có điểm riêng của từng giám khảo.",
            "Official results under signed recognition decisions. Each product shows the council's mean, never a judge's own score."
        )}</p>
        <PublicLinks/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match rounds.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">{tr!("Chưa có đợt nào công bố kết quả.", "No round has published results yet.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="card-list" id="published-rounds">
                            {list.into_iter().map(|r| {
                                let n = r.recognised;
                                let (no, date) = (r.decision_no.clone(), format_date(r.decision_date));
                                view! {
                                    <li class="card">
                                        <strong><A href=format!("/results/{}", r.id)>{r.name.clone()}</A></strong>
                                        <div class="muted">{format!("{} · {} · {}", programme_short(r.programme), r.unit_name, r.year)}</div>
                                        <div>{move || lang.get().pick(
                                            format!("Quyết định số {no} ngày {date} · {n} sản phẩm được công nhận"),
                                            format!("Decision {no} of {date} · {n} products recognised"),
                                        )}</div>
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
fn PublicLinks() -> impl IntoView {
    view! {
        <p class="public-links">
            <A href="/catalogue">{tr!("Sản phẩm được chứng nhận", "Certified products")}</A>
            " · " <A href="/results">{tr!("Kết quả công bố", "Published results")}</A>
            " · " <A href="/verify">{tr!("Tra cứu giấy chứng nhận", "Verify a certificate")}</A>
        </p>
    }
}

#[component]
pub fn RoundResultsPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())),
        |id| async move {
            match id {
                Some(id) => public_results(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Kết quả", "Results").to_string()/>
        <PublicLinks/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => {
                        let r = d.round;
                        let (no, date) = (r.decision_no.clone(), format_date(r.decision_date));
                        view! {
                            <h1>{r.name.clone()}</h1>
                            <p class="muted">{move || lang.get().pick(
                                format!("Quyết định công nhận số {no} ngày {date}"),
                                format!("Recognition decision {no} of {date}"),
                            )}</p>
                            <div class="table-wrap">
                                <table class="data-table" id="public-results">
                                    <thead><tr>
                                        <th>{tr!("Sản phẩm", "Product")}</th>
                                        <th>{tr!("Chủ thể", "Producer")}</th>
                                        <th>{tr!("Xã, phường", "Commune")}</th>
                                        <th>{tr!("Điểm trung bình", "Mean")}</th>
                                        <th>{tr!("Kết quả", "Result")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {d.rows.into_iter().map(|row| {
                                            let mean = row.mean;
                                            let recognised = row.recognised;
                                            view! {
                                                <tr class:muted=!recognised>
                                                    <td>{row.product_name.clone()}</td>
                                                    <td>{row.producer_name.clone()}</td>
                                                    <td>{row.commune_name.clone()}</td>
                                                    <td class="num">{move || lang.get().pick(mean.format_vi(), mean.format_en())}</td>
                                                    <td>
                                                        {if recognised {
                                                            Either::Left(view! {
                                                                <Recognition stars=row.stars title_vi=row.title_vi.clone() title_en=row.title_en.clone()/>
                                                                {row.certificate_code.clone().map(|c| view! { " " <A href=format!("/verify/{c}")>{tr!("Giấy chứng nhận", "Certificate")}</A> })}
                                                            })
                                                        } else {
                                                            Either::Right(view! { <span>{tr!("Không được công nhận", "Not recognised")}</span> })
                                                        }}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

// ---------------------------------------------------------------------------------------------
// Public: catalogue

#[component]
pub fn CataloguePage() -> impl IntoView {
    let lang = use_lang();
    let typed = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let programme = RwSignal::new(String::new());
    let stars = RwSignal::new(String::new());
    let commune = RwSignal::new(String::new());
    let page = RwSignal::new(1i64);
    let items = Resource::new(
        move || (q.get(), programme.get(), stars.get(), commune.get(), page.get()),
        |(q, programme, stars, commune, page)| {
            public_catalogue(Some(q), Some(programme), stars.parse().ok(), commune.parse().ok(), Some(page))
        },
    );
    let communes = Resource::new(|| (), |_| public_communes());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Sản phẩm được chứng nhận", "Certified products").to_string()/>
        <h1>{tr!("Sản phẩm được chứng nhận", "Certified products")}</h1>
        <PublicLinks/>
        <form class="catalogue-search" id="catalogue-search" on:submit=move |ev| {
            ev.prevent_default();
            q.set(typed.get_untracked());
            page.set(1);
        }>
            <div class="field">
                <label for="q">{tr!("Tìm sản phẩm, chủ thể, xã (gõ có dấu hoặc không dấu)", "Search products, producers, communes (with or without diacritics)")}</label>
                <div class="search-row">
                    <input id="q" name="q" type="search" maxlength="200" prop:value=typed
                        on:input=move |ev| typed.set(event_target_value(&ev))
                        placeholder=move || lang.get().pick("Ví dụ: nuoc mam", "e.g. nuoc mam")/>
                    <button type="submit" class="button" id="catalogue-search-button">{tr!("Tìm", "Search")}</button>
                </div>
            </div>
            <div class="filters">
                <div class="field">
                    <label for="f-programme">{tr!("Chương trình", "Programme")}</label>
                    <select id="f-programme" on:change=move |ev| { programme.set(event_target_value(&ev)); page.set(1); }>
                        <option value="">{tr!("Tất cả", "All")}</option>
                        <option value="ocop">"OCOP"</option>
                        <option value="spcnnttb">{tr!("SP CNNT tiêu biểu", "Outstanding rural industrial")}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="f-stars">{tr!("Hạng sao", "Stars")}</label>
                    <select id="f-stars" on:change=move |ev| { stars.set(event_target_value(&ev)); page.set(1); }>
                        <option value="">{tr!("Tất cả", "All")}</option>
                        <option value="3">"★★★"</option>
                        <option value="4">"★★★★"</option>
                        <option value="5">"★★★★★"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="f-commune">{tr!("Xã, phường", "Commune")}</label>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let list = communes.await.unwrap_or_default();
                            view! {
                                <select id="f-commune" on:change=move |ev| { commune.set(event_target_value(&ev)); page.set(1); }>
                                    <option value="">{tr!("Tất cả", "All")}</option>
                                    {list.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
                </div>
            </div>
        </form>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match items.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! {
                        <p class="empty" id="catalogue-empty">{tr!("Không có sản phẩm nào khớp. Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc.", "No product matches. Try other words or fewer filters.")}</p>
                    }.into_any(),
                    Ok(p) => {
                        let pages = p.pages();
                        view! {
                            <ul class="catalogue" id="catalogue">
                                {p.items.into_iter().map(|c| view! { <CatalogueCard c=c/> }).collect_view()}
                            </ul>
                            <Pager page=p.page pages=pages total=p.total on_page=Callback::new(move |n| page.set(n))/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <p class="muted">{move || lang.get().pick(
            format!("{CATALOGUE_PER_PAGE} sản phẩm mỗi trang; chỉ gồm giấy chứng nhận còn hiệu lực."),
            format!("{CATALOGUE_PER_PAGE} products a page; certificates in force only."),
        )}</p>
        <p>
            <a class="button button-secondary" id="catalogue-csv" download
                href=move || catalogue_csv_url(&q.get(), &programme.get(), &stars.get(), &commune.get())>
                {tr!("Tải danh mục (CSV, mở bằng Excel)", "Download the catalogue (CSV, opens in Excel)")}
            </a>
        </p>
    }
}

/// `/files/catalogue.csv` with the page's filters, percent-encoded.
fn catalogue_csv_url(q: &str, programme: &str, stars: &str, commune: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect()
    };
    let parts: Vec<String> = [("q", q), ("programme", programme), ("stars", stars), ("commune_id", commune)]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    if parts.is_empty() { "/files/catalogue.csv".to_string() } else { format!("/files/catalogue.csv?{}", parts.join("&")) }
}

#[component]
fn CatalogueCard(c: CertificateView) -> impl IntoView {
    let lang = use_lang();
    let until = c.valid_until.map(format_date);
    let contact = [c.producer_phone.clone(), c.producer_email.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    view! {
        <li class="card catalogue-card" data-code=c.code.clone()>
            {c.photo_id.map(|id| view! {
                <img class="catalogue-photo" src=format!("/files/public/photos/{id}?thumb=1") alt=c.product_name.clone() loading="lazy" width="160" height="160"/>
            })}
            <div class="catalogue-body">
                <strong class="catalogue-name"><A href=format!("/verify/{}", c.code)>{c.product_name.clone()}</A></strong>
                <div><Recognition stars=c.stars title_vi=c.title_vi.clone() title_en=c.title_en.clone()/> " " <span class="muted">{programme_short(c.programme)}</span></div>
                <div>{c.producer_name.clone()}</div>
                <div class="muted">{c.commune_name.clone()}</div>
                {(!contact.is_empty()).then(|| view! { <div class="muted">{contact.clone()}</div> })}
                <div>{move || match until.clone() {
                    Some(u) => lang.get().pick(format!("Hiệu lực đến {u}"), format!("Valid until {u}")),
                    None => lang.get().pick("Không thời hạn".to_string(), "No expiry".to_string()),
                }}</div>
            </div>
        </li>
    }
}

// ---------------------------------------------------------------------------------------------
// Public: verification and the printable certificate

#[component]
pub fn VerifyPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code")).filter(|c| !c.is_empty());
    let result = Resource::new(code, |code| async move {
        match code {
            Some(c) => verify_certificate(c).await.map(Some),
            None => Ok(None),
        }
    });
    let typed = RwSignal::new(code().unwrap_or_default());
    let navigate = use_navigate();
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Tra cứu giấy chứng nhận", "Verify a certificate").to_string()/>
        <h1>{tr!("Tra cứu giấy chứng nhận", "Verify a certificate")}</h1>
        <PublicLinks/>
        <form class="verify-form" id="verify-form" on:submit=move |ev| {
            ev.prevent_default();
            let c: String = typed.get_untracked().trim().to_string();
            if !c.is_empty() {
                navigate(&format!("/verify/{c}"), Default::default());
            }
        }>
            <div class="field">
                <label for="code">{tr!("Mã tra cứu in trên giấy chứng nhận (12 ký tự)", "Verification code printed on the certificate (12 characters)")}</label>
                <div class="search-row">
                    <input id="code" name="code" type="text" maxlength="40" autocomplete="off" prop:value=typed
                        on:input=move |ev| typed.set(event_target_value(&ev)) placeholder="ABCD-EFGH-JKLM"/>
                    <button type="submit" class="button">{tr!("Tra cứu", "Verify")}</button>
                </div>
            </div>
        </form>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <div id="verify-result"><ErrorNotice error=e/></div> }.into_any(),
                    Ok(Some(c)) => view! { <VerifyResult c=c/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn VerifyResult(c: CertificateView) -> impl IntoView {
    let lang = use_lang();
    let status = c.status.clone();
    let (vi, en) = c.status_label();
    let until = c.valid_until.map(format_date);
    let revoked = c.revoked_on.map(|d| (format_date(d), c.revocation_no.clone().unwrap_or_default()));
    let (decision_no, decision_date) = (c.decision_no.clone(), format_date(c.decision_date));
    view! {
        <section class=format!("panel verify-result verify-{status}") id="verify-result" data-status=status.clone()>
            <p class="verify-status" id="verify-status">{move || lang.get().pick(vi, en)}</p>
            {revoked.map(|(d, no)| view! {
                <p>{move || lang.get().pick(format!("Thu hồi theo quyết định số {no} ngày {d}."), format!("Revoked by decision {no} of {d}."))}</p>
            })}
            <dl class="summary-list">
                <dt>{tr!("Số giấy chứng nhận", "Certificate number")}</dt><dd id="verify-number">{c.number.clone()}</dd>
                <dt>{tr!("Sản phẩm", "Product")}</dt><dd>{c.product_name.clone()}</dd>
                <dt>{tr!("Chủ thể", "Producer")}</dt><dd>{c.producer_name.clone()}</dd>
                <dt>{tr!("Xã, phường", "Commune")}</dt><dd>{c.commune_name.clone()}</dd>
                <dt>{tr!("Chương trình", "Programme")}</dt><dd>{move || lang.get().pick(c.programme.name_vi(), c.programme.name_en())}</dd>
                <dt>{tr!("Công nhận", "Recognised as")}</dt><dd><Recognition stars=c.stars title_vi=c.title_vi.clone() title_en=c.title_en.clone()/></dd>
                <dt>{tr!("Quyết định", "Decision")}</dt><dd>{format!("{decision_no} ({decision_date}) · {}", c.unit_name)}</dd>
                <dt>{tr!("Ngày cấp", "Issued on")}</dt><dd>{format_date(c.issued_on)}</dd>
                <dt>{tr!("Hiệu lực đến", "Valid until")}</dt><dd>{move || until.clone().unwrap_or_else(|| lang.get().pick("Không thời hạn", "No expiry").to_string())}</dd>
            </dl>
            <p class="no-print"><A href=format!("/verify/{}/print", c.code)>{tr!("Xem bản in giấy chứng nhận", "See the printable certificate")}</A></p>
        </section>
    }
}

#[component]
pub fn CertificatePrintPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(move || params.with(|p| p.get("code")).unwrap_or_default(), print_certificate);
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Giấy chứng nhận", "Certificate").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(p) => view! { <CertificateDoc p=p/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CertificateDoc(p: crate::api::results::PrintableCertificate) -> impl IntoView {
    let c = p.certificate;
    let ocop = c.programme == Programme::Ocop;
    let authority = format!("ỦY BAN NHÂN DÂN {}", c.unit_name.to_uppercase());
    let heading = if ocop { "SẢN PHẨM OCOP".to_string() } else { "SẢN PHẨM CÔNG NGHIỆP NÔNG THÔN TIÊU BIỂU".to_string() };
    let level = c.level.name_vi().to_lowercase();
    let until = c.valid_until.map(|d| format!("Giấy chứng nhận có giá trị đến hết ngày {}.", format_date(d)));
    let revoked = c.revoked_on.map(|d| format!("ĐÃ BỊ THU HỒI theo quyết định số {} ngày {}.", c.revocation_no.clone().unwrap_or_default(), format_date(d)));
    let d = c.decision_date;
    let place_date = format!("ngày {:02} tháng {:02} năm {}", chrono::Datelike::day(&d), chrono::Datelike::month(&d), chrono::Datelike::year(&d));
    view! {
        <p class="print-bar no-print">
            <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{tr!("In / lưu PDF", "Print / save as PDF")}</button>
            " " {tr!("Khổ A4, hướng dọc.", "A4, portrait.")}
        </p>
        <article class="doc certificate-doc" id="certificate-doc" lang="vi">
            <div class="cert-head">
                <div class="cert-authority"><p class="doc-caps">{authority}</p></div>
                <div class="doc-national">
                    <p class="doc-caps">"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</p>
                    <p class="doc-motto">"Độc lập - Tự do - Hạnh phúc"</p>
                </div>
            </div>
            <h1 class="cert-title">"GIẤY CHỨNG NHẬN"</h1>
            <p class="cert-sub">{heading}</p>
            {revoked.map(|r| view! { <p class="cert-revoked">{r}</p> })}
            <p class="cert-product">{c.product_name.clone()}</p>
            <p class="cert-level">{match c.stars {
                Some(s) => format!("Đạt hạng {s} sao — {}", stars_text(s)),
                None => c.title_vi.clone().unwrap_or_else(|| format!("Sản phẩm công nghiệp nông thôn tiêu biểu cấp {level}")),
            }}</p>
            <table class="doc-table cert-table">
                <tbody>
                    <tr><th>"Chủ thể"</th><td>{c.producer_name.clone()}</td></tr>
                    <tr><th>"Địa chỉ"</th><td>{format!("{}{}", c.producer_address.clone().map(|a| format!("{a}, ")).unwrap_or_default(), c.commune_name)}</td></tr>
                    <tr><th>"Căn cứ"</th><td>{format!("Quyết định số {} ngày {} của Chủ tịch Ủy ban nhân dân {}", c.decision_no, format_date(c.decision_date), c.unit_name)}</td></tr>
                    <tr><th>"Số giấy chứng nhận"</th><td>{c.number.clone()}</td></tr>
                    <tr><th>"Ngày cấp"</th><td>{format_date(c.issued_on)}</td></tr>
                </tbody>
            </table>
            {until.map(|u| view! { <p class="cert-validity">{u}</p> })}
            <div class="cert-foot">
                <div class="cert-qr">
                    <div class="qr" inner_html=p.qr_svg.clone()></div>
                    <p class="cert-code">"Mã tra cứu: " <strong>{c.code.clone()}</strong></p>
                    <p class="cert-url">{p.verify_url.clone()}</p>
                </div>
                <div class="doc-sign">
                    <p><em>{format!("{}, {place_date}", c.unit_name)}</em></p>
                    <p class="doc-caps">"TM. ỦY BAN NHÂN DÂN"</p>
                    <p class="doc-caps">"CHỦ TỊCH"</p>
                    <p class="doc-signer">{c.signatory.clone()}</p>
                </div>
            </div>
        </article>
    }
}

// ---------------------------------------------------------------------------------------------
// Producer: certificates

#[component]
pub fn ProducerCertificatesPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| my_certificates());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Giấy chứng nhận", "Certificates").to_string()/>
        <h1>{tr!("Giấy chứng nhận của tôi", "My certificates")}</h1>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(l) if l.is_empty() => view! { <p class="empty">{tr!("Chưa có giấy chứng nhận nào. Giấy chứng nhận được cấp khi quyết định công nhận được ký.", "No certificate yet. Certificates are issued when the recognition decision is signed.")}</p> }.into_any(),
                    Ok(l) => view! {
                        <ul class="card-list" id="my-certificates">
                            {l.into_iter().map(|o| view! { <OwnCertificateCard o=o/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OwnCertificateCard(o: crate::api::results::OwnCertificateView) -> impl IntoView {
    let lang = use_lang();
    let c = o.certificate;
    let cert_id = c.id;
    let days = c.days_left;
    let until = c.valid_until.map(format_date);
    let from = c.reevaluation_from.map(format_date);
    let round = RwSignal::new(o.rounds.first().map(|r| r.0.to_string()).unwrap_or_default());
    let start = Action::new(move |round_id: &i64| {
        let round_id = *round_id;
        async move { reevaluate_certificate(cert_id, round_id).await }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = start.value().get() {
            navigate(&format!("/dossiers/{id}"), Default::default());
        }
    });
    let error = action_error(start.value());
    let revoked = c.status == "revoked";
    let (number, issued) = (c.number.clone(), format_date(c.issued_on));
    view! {
        <li class="card" data-certificate=c.number.clone()>
            <strong>{c.product_name.clone()}</strong>
            <div><Recognition stars=c.stars title_vi=c.title_vi.clone() title_en=c.title_en.clone()/> " " <StatusBadge status=c.status.clone()/></div>
            <div class="muted">{move || lang.get().pick(format!("Số {number} · cấp ngày {issued}"), format!("No. {number} · issued {issued}"))}</div>
            {(!revoked).then(|| view! {
                <div class="countdown">{move || match (until.clone(), days) {
                    (Some(u), Some(d)) if d >= 0 => lang.get().pick(format!("Hiệu lực đến {u} — còn {d} ngày"), format!("Valid until {u} — {d} days left")),
                    (Some(u), _) => lang.get().pick(format!("Đã hết hạn ngày {u}"), format!("Expired on {u}")),
                    _ => lang.get().pick("Không thời hạn".to_string(), "No expiry".to_string()),
                }}</div>
            })}
            <p class="council-links">
                <A href=format!("/verify/{}", c.code)>{tr!("Tra cứu", "Verify")}</A>
                <A href=format!("/verify/{}/print", c.code)>{tr!("In giấy chứng nhận", "Print the certificate")}</A>
            </p>
            {match (o.reevaluation_open, o.reevaluation_dossier_id) {
                (_, Some(d)) => view! { <p><A href=format!("/dossiers/{d}")>{tr!("Hồ sơ đánh giá lại", "Re-evaluation dossier")}</A></p> }.into_any(),
                (true, None) if o.rounds.is_empty() => view! {
                    <p class="hint">{tr!("Đã đến thời gian đánh giá lại nhưng chưa có đợt nào đang nhận hồ sơ. Hãy theo dõi thông báo.", "Re-evaluation is due but no round is taking dossiers now. Watch your notifications.")}</p>
                }.into_any(),
                (true, None) => view! {
                    <div class="reevaluate">
                        <ErrorSummary error=error/>
                        <label for=format!("round-{cert_id}")>{tr!("Đợt đánh giá lại", "Round for the re-evaluation")}</label>
                        <select id=format!("round-{cert_id}") on:change=move |ev| round.set(event_target_value(&ev))>
                            {o.rounds.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                        </select>
                        <button type="button" class="button" on:click=move |_| {
                            let chosen: Result<i64, _> = round.get_untracked().parse();
                            if let Ok(id) = chosen { start.dispatch(id); }
                        }>{tr!("Đánh giá lại", "Re-evaluate")}</button>
                    </div>
                }.into_any(),
                (false, None) => view! {
                    {from.clone().filter(|_| !revoked).map(|f| view! {
                        <p class="hint">{move || lang.get().pick(format!("Có thể đăng ký đánh giá lại từ ngày {f}."), format!("Re-evaluation may be filed from {f}."))}</p>
                    })}
                }.into_any(),
            }}
        </li>
    }
}

// ---------------------------------------------------------------------------------------------
// Office: the round's decision, the decision page, decisions and revocation

/// On the round's page once results are final: open (or draft) the recognition decision.
#[component]
pub fn RoundDecisionSection(round_id: i64, decision: Result<Option<DecisionView>, AppError>) -> impl IntoView {
    let lang = use_lang();
    let draft = ServerAction::<DraftDecision>::new();
    let error = action_error(draft.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = draft.value().get() {
            navigate(&format!("/office/decisions/{id}"), Default::default());
        }
    });
    let body = match decision {
        Ok(Some(d)) => {
            let signed = d.state == "signed";
            let no = d.decision_no.clone().unwrap_or_default();
            view! {
                <p>
                    <A href=format!("/office/decisions/{}", d.id)>{move || if signed {
                        lang.get().pick(format!("Quyết định số {no} (đã ký)"), format!("Decision {no} (signed)"))
                    } else {
                        lang.get().pick("Dự thảo quyết định (chưa ký)".to_string(), "Draft decision (not signed)".to_string())
                    }}</A>
                </p>
            }
            .into_any()
        }
        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
        Ok(None) => view! {
            <p class="hint">{tr!(
                "Kết quả chưa chính thức cho đến khi quyết định công nhận được ký. Lập dự thảo từ kết quả đã chốt, rồi nhập số, ngày và người ký.",
                "Results are not official until the recognition decision is signed. Draft it from the final results, then enter its number, date and signatory."
            )}</p>
            <ErrorSummary error=error/>
            <ActionForm action=draft attr:id="draft-decision">
                <input type="hidden" name="round_id" value=round_id.to_string()/>
                <button type="submit" class="button">{tr!("Lập dự thảo quyết định công nhận", "Draft the recognition decision")}</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <section class="panel" id="round-decision">
            <h2>{tr!("Quyết định công nhận", "Recognition decision")}</h2>
            {body}
        </section>
    }
}

#[component]
pub fn DecisionPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let data = Resource::new(
        move || (params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_decision(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let on_change = Callback::new(move |_| reload.update(|v| *v += 1));
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Quyết định", "Decision").to_string()/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => view! { <DecisionScreen d=d on_change=on_change/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Row {
    item_id: i64,
    /// Revocation: the certificate the row lists.
    certificate_id: Option<i64>,
    label: String,
    included: bool,
    reason: String,
}

#[component]
fn DecisionScreen(d: DecisionView, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let draft = d.state == "draft";
    let recognition = d.kind == "recognition";
    let id = d.id;
    let version = d.version;
    let title = RwSignal::new(d.title.clone());
    let rows = RwSignal::new(
        d.items
            .iter()
            .map(|i| Row {
                item_id: i.id,
                certificate_id: i.certificate_id,
                label: format!("{} — {}", i.product_name, i.producer_name),
                included: i.included,
                reason: i.reason.clone().unwrap_or_default(),
            })
            .collect::<Vec<_>>(),
    );
    let save = Action::new(move |_: &()| {
        let (t, r) = (title.get_untracked(), rows.get_untracked());
        async move {
            if recognition {
                let choice = r.into_iter().map(|r| ChoiceView { item_id: r.item_id, included: r.included, reason: r.reason }).collect();
                crate::api::results::update_decision(id, version, t, choice).await
            } else {
                let ids = d_items_ids(&r);
                crate::api::results::update_revocation(id, version, t, ids).await
            }
        }
    });
    let save_error = action_error(save.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            on_change.run(());
        }
    });
    let sign = ServerAction::<SignDecision>::new();
    let sign_error = action_error(sign.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = sign.value().get() {
            on_change.run(());
        }
    });
    let today = crate::i18n::today_vn();
    let council_choice = d.council_choice;
    let heading = if recognition { ("Quyết định công nhận", "Recognition decision") } else { ("Quyết định thu hồi", "Revocation decision") };
    let items = d.items.clone();
    let move_row = move |i: usize, up: bool| {
        rows.update(|r| {
            let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < r.len()) };
            if let Some(j) = j {
                r.swap(i, j);
            }
        })
    };
    view! {
        <h1>{move || lang.get().pick(heading.0, heading.1)}</h1>
        <p class="muted">{format!("{} · {}{}", programme_short(d.programme), d.unit_name, d.round_name.clone().map(|r| format!(" · {r}")).unwrap_or_default())}</p>
        {if draft {
            Either::Left(view! {
                <div class="notice notice-warning" role="status" id="decision-draft-notice">{tr!(
                    "Dự thảo — chưa có giá trị. Kết quả và giấy chứng nhận chỉ có khi nhập quyết định đã ký.",
                    "Draft — not official. Results and certificates exist only once the signed decision is entered."
                )}</div>
            })
        } else {
            let (no, date, who) = (d.decision_no.clone().unwrap_or_default(), d.decision_date.map(format_date).unwrap_or_default(), d.signatory.clone().unwrap_or_default());
            Either::Right(view! {
                <div class="notice" role="status" id="decision-signed">{move || lang.get().pick(
                    format!("Đã ký: quyết định số {no} ngày {date}, người ký {who}. Quyết định đã ký không thể sửa."),
                    format!("Signed: decision {no} of {date}, signed by {who}. A signed decision cannot be changed."),
                )}</div>
            })
        }}
        <section class="panel">
            <div class="field">
                <label for="title">{tr!("Trích yếu", "Title")}</label>
                <FieldError error=save_error field="title"/>
                <textarea id="title" rows="2" maxlength="500" disabled=!draft prop:value=title on:input=move |ev| title.set(event_target_value(&ev))></textarea>
            </div>
            {(recognition && council_choice && draft).then(|| view! {
                <p class="hint">{tr!(
                    "Hội đồng có thể công nhận ít hơn số sản phẩm đủ điều kiện: sắp xếp theo thứ tự xếp hạng, bỏ chọn sản phẩm không công nhận và ghi lý do.",
                    "The council may recognise fewer than qualify: order them by rank, untick those not recognised and record why."
                )}</p>
            })}
            <ErrorSummary error=save_error/>
            {move || {
                let list = rows.get();
                if list.is_empty() {
                    return view! { <p class="empty">{tr!("Không có sản phẩm nào đủ điều kiện công nhận.", "No product qualifies for recognition.")}</p> }.into_any();
                }
                let n = list.len();
                view! {
                    <ol class="decision-items" id="decision-items">
                        {list.into_iter().enumerate().map(|(i, r)| {
                            let item = items.iter().find(|x| x.id == r.item_id).cloned();
                            let detail = item.as_ref().map(|x| {
                                let mean = x.mean.map(|m| m.format_vi()).unwrap_or_default();
                                let what = match (x.stars, &x.title_vi, &x.certificate_number) {
                                    (_, _, Some(no)) if !recognition => format!("giấy chứng nhận {no}{}", x.valid_until.map(|v| format!(", hết hạn {}", format_date(v))).unwrap_or_default()),
                                    (Some(s), _, _) => format!("{} · {mean}", stars_text(s)),
                                    (None, Some(t), _) => format!("{t} · {mean}"),
                                    _ => mean,
                                };
                                what
                            }).unwrap_or_default();
                            let editable_choice = draft && (council_choice || !recognition);
                            let reason = r.reason.clone();
                            view! {
                                <li class={if r.included { "decision-item" } else { "decision-item left-out" }} data-item=r.item_id.to_string()>
                                    <div><strong>{r.label.clone()}</strong> " " <span class="muted">{detail}</span></div>
                                    {editable_choice.then(|| view! {
                                        <div class="decision-controls">
                                            <label class="radio">
                                                <input type="checkbox" class="include" prop:checked=r.included
                                                    on:change=move |ev| { let v = event_target_checked(&ev); rows.update(|x| x[i].included = v); }/>
                                                {move || if recognition { lang.get().pick("Công nhận", "Recognise") } else { lang.get().pick("Thu hồi", "Revoke") }}
                                            </label>
                                            {(recognition && council_choice).then(|| view! {
                                                <button type="button" class="button-secondary move-up" disabled={i == 0} on:click=move |_| move_row(i, true)>"↑"</button>
                                                <button type="button" class="button-secondary move-down" disabled={i + 1 >= n} on:click=move |_| move_row(i, false)>"↓"</button>
                                            })}
                                        </div>
                                    })}
                                    {(recognition && (!r.included || !reason.is_empty())).then(|| view! {
                                        <div class="field">
                                            <label>{tr!("Lý do không công nhận", "Why it is left out")}</label>
                                            <input type="text" class="reason" maxlength="1000" disabled=!draft prop:value=reason.clone()
                                                on:input=move |ev| { let v = event_target_value(&ev); rows.update(|x| x[i].reason = v); }/>
                                        </div>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {draft.then(|| view! {
                <button type="button" class="button-secondary" id="save-decision" on:click=move |_| { save.dispatch(()); }>{tr!("Lưu dự thảo", "Save draft")}</button>
            })}
        </section>
        {draft.then(|| view! {
            <section class="panel" id="sign-decision">
                <h2>{tr!("Nhập quyết định đã ký", "Enter the signed decision")}</h2>
                <p class="hint">{tr!(
                    "Sau khi lưu, quyết định không sửa được nữa; kết quả được công bố và giấy chứng nhận được cấp (quyết định công nhận) hoặc giấy chứng nhận bị thu hồi (quyết định thu hồi).",
                    "Once saved the decision cannot change; results are published and certificates issued (recognition) or certificates revoked (revocation)."
                )}</p>
                <ErrorSummary error=sign_error/>
                <ActionForm action=sign attr:id="sign-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="version" value=version.to_string()/>
                    <div class="field-row">
                        <div class="field">
                            <label for="decision_no">{tr!("Số quyết định", "Decision number")}</label>
                            <FieldError error=sign_error field="decision_no"/>
                            <input id="decision_no" name="decision_no" type="text" maxlength="60" required aria-invalid=invalid(sign_error, "decision_no") placeholder="215/QĐ-UBND"/>
                        </div>
                        <div class="field">
                            <label for="decision_date">{tr!("Ngày ký", "Date signed")}</label>
                            <FieldError error=sign_error field="decision_date"/>
                            <input id="decision_date" name="decision_date" type="date" max=today.clone() required aria-invalid=invalid(sign_error, "decision_date")/>
                        </div>
                    </div>
                    <div class="field">
                        <label for="signatory">{tr!("Người ký (họ tên, chức vụ)", "Signed by (name, title)")}</label>
                        <FieldError error=sign_error field="signatory"/>
                        <input id="signatory" name="signatory" type="text" maxlength="200" required aria-invalid=invalid(sign_error, "signatory")/>
                    </div>
                    <button type="submit" class="button">{tr!("Lưu quyết định đã ký", "Save the signed decision")}</button>
                </ActionForm>
            </section>
        })}
    }
}

/// A revocation draft keeps the certificates still ticked.
fn d_items_ids(rows: &[Row]) -> Vec<i64> {
    rows.iter().filter(|r| r.included).filter_map(|r| r.certificate_id).collect()
}

#[component]
pub fn OfficeCertificatesPage() -> impl IntoView {
    let lang = use_lang();
    let decisions = Resource::new(|| (), |_| list_decisions());
    let candidates = Resource::new(|| (), |_| revocation_candidates());
    view! {
        <Title text=move || lang.try_get().unwrap_or_default().pick("Quyết định, giấy chứng nhận", "Decisions, certificates").to_string()/>
        <h1>{tr!("Quyết định và giấy chứng nhận", "Decisions and certificates")}</h1>
        <section class="panel">
            <h2>{tr!("Quyết định", "Decisions")}</h2>
            <Transition fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    match decisions.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(l) if l.is_empty() => view! { <p class="empty">{tr!("Chưa có quyết định nào. Quyết định công nhận được lập từ trang của đợt đã chốt kết quả.", "No decision yet. A recognition decision is drafted from a finalised round's page.")}</p> }.into_any(),
                        Ok(l) => view! {
                            <ul class="card-list" id="decisions">
                                {l.into_iter().map(|d| {
                                    let signed = d.state == "signed";
                                    let kind = if d.kind == "recognition" { ("Công nhận", "Recognition") } else { ("Thu hồi", "Revocation") };
                                    let no = d.decision_no.clone().unwrap_or_default();
                                    view! {
                                        <li class="card">
                                            <A href=format!("/office/decisions/{}", d.id)>{d.title.clone()}</A>
                                            <div class="muted">{move || {
                                                let l = lang.get();
                                                let state = if signed { format!("{} {no}", l.pick("đã ký, số", "signed, no.")) } else { l.pick("dự thảo", "draft").to_string() };
                                                format!("{} · {state}", l.pick(kind.0, kind.1))
                                            }}</div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <CertificateImportSection/>
        <section class="panel" id="revocation">
            <h2>{tr!("Giấy chứng nhận hết hạn, chưa đánh giá lại", "Expired certificates not re-evaluated")}</h2>
            <Transition fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    match candidates.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(l) if l.is_empty() => view! { <p class="empty">{tr!("Không có giấy chứng nhận nào cần thu hồi.", "No certificate to revoke.")}</p> }.into_any(),
                        Ok(l) => view! { <RevocationForm list=l/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RevocationForm(list: Vec<CertificateView>) -> impl IntoView {
    let chosen = RwSignal::new(list.iter().map(|c| c.id).collect::<Vec<_>>());
    let draft = Action::new(move |_: &()| {
        let ids = chosen.get_untracked();
        async move { crate::api::results::draft_revocation(ids).await }
    });
    let error = action_error(draft.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = draft.value().get() {
            navigate(&format!("/office/decisions/{id}"), Default::default());
        }
    });
    view! {
        <ErrorSummary error=error/>
        <ul class="decision-items" id="revocation-candidates">
            {list.into_iter().map(|c| {
                let id = c.id;
                let until = c.valid_until.map(format_date).unwrap_or_default();
                view! {
                    <li class="decision-item">
                        <label class="radio">
                            <input type="checkbox" prop:checked=move || chosen.with(|v| v.contains(&id))
                                on:change=move |ev| { let on = event_target_checked(&ev); chosen.update(|v| { v.retain(|x| *x != id); if on { v.push(id); } }); }/>
                            <strong>{c.number.clone()}</strong> " " {format!("{} — {} (hết hạn {until})", c.product_name, c.producer_name)}
                        </label>
                    </li>
                }
            }).collect_view()}
        </ul>
        <button type="button" class="button" id="draft-revocation" on:click=move |_| { draft.dispatch(()); }>{tr!("Lập dự thảo quyết định thu hồi", "Draft a revocation decision")}</button>
    }
}

/// Products certified before the system: download the template, upload the office's list (the
/// upload shows its progress), read the row-by-row report; earlier imports and their reports.
#[component]
fn CertificateImportSection() -> impl IntoView {
    let lang = use_lang();
    let refresh = RwSignal::new(0u32);
    let imports = Resource::new(move || refresh.get(), |_| certificate_imports());
    let report = RwSignal::new(None::<CertImportReport>);
    let shown = Action::new(move |id: &i64| certificate_import_report(*id));
    Effect::new(move |_| {
        if let Some(Ok(r)) = shown.value().get() {
            report.set(Some(r));
        }
    });
    let on_response = Callback::new(move |body: String| report.set(serde_json::from_str::<CertImportReport>(&body).ok()));
    view! {
        <section class="panel" id="certificate-import">
            <h2>{tr!("Nhập sản phẩm đã được công nhận trước đây", "Import products certified before")}</h2>
            <p class="muted">{tr!(
                "Đưa danh sách sản phẩm OCOP / SPCNNT tiêu biểu đã có giấy chứng nhận (trước khi dùng binhchon) vào hệ thống: sản phẩm lên danh mục công khai, tra cứu được, được nhắc khi sắp hết hạn.",
                "Bring the products your office certified before binhchon into the system: they appear in the public catalogue, can be verified and get expiry notices."
            )}</p>
            <Transition fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    match imports.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(list) => view! {
                            {list.programmes.iter().map(|p| {
                                let code = p.code();
                                let label = programme_short(*p);
                                view! {
                                    <div class="import-programme">
                                        <h3>{label}</h3>
                                        <ol>
                                            <li><a id=format!("import-template-{code}") href=format!("/files/certificates/import-template.xlsx?programme={code}") download>
                                                {tr!("Tải tệp mẫu (.xlsx)", "Download the template (.xlsx)")}</a>
                                                {tr!(" — mỗi hàng một giấy chứng nhận; xem trang «Hướng dẫn» trong tệp.", " — one row per certificate; see the \"Hướng dẫn\" sheet.")}</li>
                                            <li>{tr!("Chọn tệp danh sách đã điền để nhập:", "Choose the filled list to import:")}
                                                <FileUpload url=format!("/files/certificates/import?programme={code}")
                                                    accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()
                                                    input_id=format!("import-file-{code}")
                                                    on_uploaded=Callback::new(move |_| refresh.update(|n| *n += 1)) on_response=on_response/>
                                            </li>
                                        </ol>
                                    </div>
                                }
                            }).collect_view()}
                            {(!list.imports.is_empty()).then(|| view! {
                                <h3>{tr!("Các lần nhập", "Earlier imports")}</h3>
                                <ul class="card-list" id="certificate-imports">
                                    {list.imports.into_iter().map(|i| {
                                        let id = i.id;
                                        let (name, programme) = (i.file_name.clone(), programme_short(i.programme));
                                        let when = format!("{} · {}", i.created_by, i.created_at.get(..10).unwrap_or(""));
                                        let (total, ok, refused) = (i.total_rows, i.imported, i.refused);
                                        view! {
                                            <li class="card">
                                                <strong>{name}</strong>" · "{programme}
                                                <div class="muted">{move || lang.get().pick(
                                                    format!("{total} hàng: nhập {ok}, chưa nhập {refused} — {when}"),
                                                    format!("{total} rows: {ok} imported, {refused} not — {when}"),
                                                )}</div>
                                                <button type="button" class="button button-secondary" on:click=move |_| { shown.dispatch(id); }>
                                                    {tr!("Xem báo cáo", "Show the report")}
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            })}
                        }.into_any(),
                    }
                })}
            </Transition>
            {move || report.get().map(|r| view! { <ImportReportView r=r/> })}
        </section>
    }
}

#[component]
fn ImportReportView(r: CertImportReport) -> impl IntoView {
    let lang = use_lang();
    let (total, ok, new_producers, new_products) = (r.total_rows, r.imported.len(), r.new_producers, r.new_products);
    let refused_rows = {
        let mut rows: Vec<u32> = r.refused.iter().map(|x| x.row).collect();
        rows.dedup();
        rows.len()
    };
    view! {
        <div class="import-report" id="certificate-import-report" role="status">
            <p><strong>{r.file_name.clone()}</strong>": "{move || lang.get().pick(
                format!("{total} hàng — đã nhập {ok}, chưa nhập {refused_rows}; {new_producers} chủ thể mới, {new_products} sản phẩm mới."),
                format!("{total} rows — {ok} imported, {refused_rows} not; {new_producers} new producers, {new_products} new products."),
            )}</p>
            {(!r.refused.is_empty()).then(|| view! {
                <p class="field-error"><strong>{tr!("Hàng chưa nhập — sửa trong tệp rồi nhập lại (hàng đã nhập không bị nhập trùng):", "Rows not imported — fix them in the file and import again (rows already in are not duplicated):")}</strong></p>
                <table class="table import-refused">
                    <thead><tr><th>{tr!("Hàng", "Row")}</th><th>{tr!("Cột", "Column")}</th><th>{tr!("Cần sửa", "To fix")}</th></tr></thead>
                    <tbody>
                        {r.refused.iter().map(|x| {
                            let (vi, en) = (x.message_vi.clone(), x.message_en.clone());
                            view! { <tr><td>{x.row}</td><td>{x.column.clone()}</td><td>{move || lang.get().pick(vi.clone(), en.clone())}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!r.imported.is_empty()).then(|| view! {
                <details>
                    <summary>{tr!("Hàng đã nhập", "Rows imported")}</summary>
                    <ul>{r.imported.iter().map(|x| view! { <li>{format!("{} · {} — {} ({})", x.row, x.number, x.product, x.producer)}</li> }).collect_view()}</ul>
                </details>
            })}
        </div>
    }
}
