//! binhchon's user interface (Leptos, rendered on the server and hydrated in the browser)
//! and its API (server functions, in `api`).

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod errors;
pub mod i18n;
pub mod pages;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod ctx;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    api::auth::{whoami, UserView},
    components::layout::Layout,
    i18n::{initial_lang, use_lang},
    pages::*,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The logged-in person (or nobody), loaded once per page and refreshed after log-in/out.
#[derive(Clone, Copy)]
pub struct Session {
    pub user: Resource<Result<Option<UserView>, errors::AppError>>,
    version: RwSignal<u32>,
}

impl Session {
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// The caller's unread notification count for the badge in the navigation; refreshed after
/// marking read and on every page change.
#[derive(Clone, Copy)]
pub struct Unread {
    pub count: Resource<Result<i64, errors::AppError>>,
    version: RwSignal<u32>,
}

impl Unread {
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

pub fn use_unread() -> Unread {
    expect_context::<Unread>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = use_lang();
    lang.set(initial_lang());
    let version = RwSignal::new(0u32);
    let user = Resource::new(move || version.get(), |_| whoami());
    provide_context(Session { user, version });
    let unread_version = RwSignal::new(0u32);
    let count = Resource::new(
        move || (unread_version.get(), version.get()),
        |_| api::notifications::unread_notifications(),
    );
    provide_context(Unread { count, version: unread_version });

    view! {
        <Stylesheet id="leptos" href="/pkg/binhchon.css"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="theme-color" content="#0b5d3b"/>
        <Title formatter=|text: String| if text.is_empty() { "binhchon".to_string() } else { format!("{text} · binhchon") }/>
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view=SignupPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=AdminAuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/outbox") view=AdminOutboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/producer/profile") view=ProducerProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/products") view=ProductsPage ssr=SsrMode::Async/>
                    <Route path=path!("/products/:id") view=ProductEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/dossiers") view=MyDossiersPage ssr=SsrMode::Async/>
                    <Route path=path!("/dossiers/:id") view=DossierPage ssr=SsrMode::Async/>
                    <Route path=path!("/dossiers/:id/print/:form") view=PrintPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/rounds") view=RoundsPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/rounds/:id") view=RoundPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/dossiers") view=IntakePage ssr=SsrMode::Async/>
                    <Route path=path!("/office/statistics") view=OfficeStatsPage ssr=SsrMode::Async/>
                    <Route path=path!("/statistics") view=PublicStatsPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/rounds/:id/nomination") view=NominationPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/rounds/:id/nomination/letter") view=NominationLetterPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/nominations") view=NominationInboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/commune/dossiers") view=CommuneDossiersPage ssr=SsrMode::Async/>
                    <Route path=path!("/rulesets") view=RuleSetsPage ssr=SsrMode::Async/>
                    <Route path=path!("/rulesets/:id") view=RuleSetPage ssr=SsrMode::Async/>
                    <Route path=path!("/forms/:id") view=FormPage ssr=SsrMode::Async/>
                    <Route path=path!("/judge") view=JudgePage ssr=SsrMode::Async/>
                    <Route path=path!("/judge/products/:id") view=SheetPage ssr=SsrMode::Async/>
                    <Route path=path!("/judge/conflicts") view=ConflictsPage ssr=SsrMode::Async/>
                    <Route path=path!("/councils/:id") view=CouncilOverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/councils/:id/board") view=BoardPage ssr=SsrMode::Async/>
                    <Route path=path!("/councils/:id/minutes") view=MinutesPage ssr=SsrMode::Async/>
                    <Route path=path!("/councils/:id/paper/:member/:dossier") view=PaperSheetPage ssr=SsrMode::Async/>
                    <Route path=path!("/sheets/:id") view=BoardSheetPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/decisions/:id") view=DecisionPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/certificates") view=OfficeCertificatesPage ssr=SsrMode::Async/>
                    <Route path=path!("/producer/certificates") view=ProducerCertificatesPage ssr=SsrMode::Async/>
                    <Route path=path!("/results") view=PublicResultsPage ssr=SsrMode::Async/>
                    <Route path=path!("/results/:id") view=RoundResultsPage ssr=SsrMode::Async/>
                    <Route path=path!("/catalogue") view=CataloguePage ssr=SsrMode::Async/>
                    <Route path=path!("/verify") view=VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify/:code") view=VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify/:code/print") view=CertificatePrintPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
