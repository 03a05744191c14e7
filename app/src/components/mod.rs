pub mod forms;
pub mod layout;
pub mod pager;
pub mod score_form;
