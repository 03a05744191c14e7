mod account;
mod admin_audit;
mod admin_outbox;
mod admin_users;
mod home;
mod login;
mod not_found;
mod notifications;
mod signup;

pub use account::AccountPage;
pub use admin_audit::AdminAuditPage;
pub use admin_outbox::AdminOutboxPage;
pub use admin_users::AdminUsersPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use notifications::NotificationsPage;
pub use signup::SignupPage;
