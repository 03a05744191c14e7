//! The page frame: header with navigation for the person's roles, the language switch,
//! and a footer. Works from 360 px wide up.

use domain::access::Role;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

use crate::{
    api::auth::{keepalive, set_language, Logout, UserView},
    i18n::{set_lang, use_lang, Lang},
    tr, use_session, use_unread,
};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let session = use_session();
    let unread = use_unread();
    view! {
        <a class="skip-link" href="#main">{tr!("Bỏ qua, tới nội dung chính", "Skip to main content")}</a>
        <header class="site-header">
            <div class="header-inner">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"★"</span>
                    <span class="brand-name">"binhchon"</span>
                    <span class="brand-sub">{tr!("Bình chọn · OCOP", "Selection · OCOP")}</span>
                </A>
                <LangSwitch/>
            </div>
            // One Suspend for everything the navigation shows: a Transition nested inside it would be
            // created at a different moment on the server and in the browser, which shifts the ids
            // of the page's resources and breaks hydration.
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = session.user.await.ok().flatten();
                    let unread = unread.count.await.unwrap_or(0);
                    view! { <Nav user=user unread=unread/> }
                })}
            </Transition>
        </header>
        <main id="main" class="site-main" tabindex="-1">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = session.user.await.ok().flatten();
                    user.filter(|u| u.must_change_password).map(|_| view! {
                        <div class="notice notice-warning" role="status">
                            {tr!("Bạn đang dùng mật khẩu tạm do quản trị viên cấp. Hãy đổi mật khẩu trước khi làm việc khác.",
                                 "You are using a temporary password from an administrator. Change it before doing anything else.")}
                            " " <A href="/account">{tr!("Đổi mật khẩu", "Change password")}</A>
                        </div>
                    })
                })}
            </Transition>
            {children()}
        </main>
        <footer class="site-footer">
            <p>{tr!("Hệ thống bình chọn sản phẩm công nghiệp nông thôn tiêu biểu và đánh giá, phân hạng sản phẩm OCOP.",
                    "Selection of outstanding rural industrial products and OCOP evaluation and star rating.")}</p>
        </footer>
        <KeepAlive/>
    }
}

#[component]
fn LangSwitch() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let switch = move |_| {
        let next = if lang.get_untracked() == Lang::Vi { Lang::En } else { Lang::Vi };
        set_lang(next);
        let logged_in = session.user.get_untracked().and_then(|r| r.ok()).flatten().is_some();
        if logged_in {
            leptos::task::spawn_local(async move {
                let _ = set_language(next.code().to_string()).await;
            });
        }
    };
    view! {
        <button type="button" class="lang-switch" id="lang-switch" on:click=switch
            aria-label=move || lang.get().pick("Switch to English", "Chuyển sang tiếng Việt")>
            {move || lang.get().pick("English", "Tiếng Việt")}
        </button>
    }
}

struct NavItem {
    href: &'static str,
    vi: &'static str,
    en: &'static str,
}

fn nav_items(user: &UserView) -> Vec<NavItem> {
    let mut items = vec![NavItem { href: "/", vi: "Trang của tôi", en: "My page" }];
    if user.has(Role::Admin) {
        items.push(NavItem { href: "/admin/users", vi: "Tài khoản", en: "Accounts" });
        items.push(NavItem { href: "/admin/audit", vi: "Nhật ký", en: "Audit log" });
    }
    if user.has(Role::Producer) {
        items.push(NavItem { href: "/producer/profile", vi: "Hồ sơ chủ thể", en: "Profile" });
        items.push(NavItem { href: "/products", vi: "Sản phẩm", en: "Products" });
        items.push(NavItem { href: "/dossiers", vi: "Hồ sơ đăng ký", en: "Dossiers" });
        items.push(NavItem { href: "/producer/certificates", vi: "Giấy chứng nhận", en: "Certificates" });
    }
    if user.has(Role::OcopOffice) || user.has(Role::SpcnnttbOffice) {
        items.push(NavItem { href: "/office/rounds", vi: "Đợt", en: "Rounds" });
        items.push(NavItem { href: "/office/dossiers", vi: "Tiếp nhận hồ sơ", en: "Intake" });
        items.push(NavItem { href: "/office/statistics", vi: "Thống kê", en: "Statistics" });
        items.push(NavItem { href: "/office/nominations", vi: "Đề nghị từ cấp dưới", en: "Nominations received" });
        items.push(NavItem { href: "/office/certificates", vi: "Quyết định, chứng nhận", en: "Decisions, certificates" });
    }
    if user.has(Role::Judge) {
        items.push(NavItem { href: "/judge", vi: "Chấm điểm", en: "Scoring" });
        items.push(NavItem { href: "/judge/conflicts", vi: "Xung đột lợi ích", en: "Conflicts of interest" });
    }
    if user.has(Role::CommuneOfficer) {
        items.push(NavItem { href: "/commune/dossiers", vi: "Hồ sơ của xã", en: "Commune dossiers" });
    }
    if user.has(Role::Admin) || user.has(Role::OcopOffice) || user.has(Role::SpcnnttbOffice) {
        items.push(NavItem { href: "/admin/outbox", vi: "Hộp thư đi", en: "Outbox" });
    }
    // Every staff role sees the rules its work follows; producers see them from their dossiers.
    if user.roles.iter().any(|(r, _)| r.is_staff()) {
        items.push(NavItem { href: "/rulesets", vi: "Bộ tiêu chí", en: "Rule sets" });
    }
    items.push(NavItem { href: "/catalogue", vi: "Sản phẩm được chứng nhận", en: "Certified products" });
    items.push(NavItem { href: "/account", vi: "Mật khẩu", en: "Password" });
    items
}

#[component]
fn Nav(user: Option<UserView>, unread: i64) -> impl IntoView {
    let lang = use_lang();
    match user {
        None => view! {
            <nav class="site-nav" aria-label=move || lang.get().pick("Điều hướng chính", "Main navigation")>
                <A href="/catalogue">{tr!("Sản phẩm được chứng nhận", "Certified products")}</A>
                <A href="/results">{tr!("Kết quả", "Results")}</A>
                <A href="/verify">{tr!("Tra cứu", "Verify")}</A>
                <A href="/login">{tr!("Đăng nhập", "Log in")}</A>
                <A href="/signup">{tr!("Đăng ký chủ thể", "Producer sign-up")}</A>
                <A href="/statistics">{tr!("Thống kê", "Figures")}</A>
            </nav>
        }
        .into_any(),
        Some(user) => {
            let items = nav_items(&user);
            let name = user.full_name.clone();
            let logout = ServerAction::<Logout>::new();
            let session = use_session();
            Effect::new(move |_| {
                if matches!(logout.value().get(), Some(Ok(()))) {
                    session.refresh();
                }
            });
            view! {
                <nav class="site-nav" aria-label=move || lang.get().pick("Điều hướng chính", "Main navigation")>
                    {items
                        .into_iter()
                        .map(|i| view! { <A href=i.href>{move || lang.get().pick(i.vi, i.en)}</A> })
                        .collect_view()}
                    <NotificationsLink count=unread/>
                    <span class="nav-user" title=user.login.clone()>{name}</span>
                    <ActionForm action=logout attr:class="inline-form">
                        <button type="submit" class="link-button" id="logout">{tr!("Đăng xuất", "Log out")}</button>
                    </ActionForm>
                </nav>
            }
            .into_any()
        }
    }
}

/// While a logged-in page is open, touch the session every few minutes so that nobody is
/// logged out in the middle of filling a form.
#[component]
fn KeepAlive() -> impl IntoView {
    let session = use_session();
    Effect::new(move |_| {
        let logged_in = session.user.get().and_then(|r| r.ok()).flatten().is_some();
        if logged_in {
            let handle = set_interval_with_handle(
                || {
                    leptos::task::spawn_local(async {
                        let _ = keepalive().await;
                    })
                },
                std::time::Duration::from_secs(240),
            );
            if let Ok(h) = handle {
                on_cleanup(move || h.clear());
            }
        }
    });
}

/// "Thông báo" with the number of unread notifications; the count is fetched again on every
/// page change, so news that arrives while someone works shows up without a reload.
#[component]
fn NotificationsLink(count: i64) -> impl IntoView {
    let lang = use_lang();
    let unread = use_unread();
    let location = use_location();
    Effect::new(move |prev: Option<String>| {
        let path = location.pathname.get();
        if prev.is_some_and(|p| p != path) {
            unread.refresh();
        }
        path
    });
    view! {
        <A href="/notifications" attr:id="nav-notifications">
            {move || lang.get().pick("Thông báo", "Notifications")}
            {(count > 0).then(|| view! {
                <span class="badge" aria-label=move || lang.get().pick(
                    format!("{count} chưa đọc"), format!("{count} unread"))>{count}</span>
            })}
        </A>
    }
}
