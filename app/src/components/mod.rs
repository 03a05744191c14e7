pub mod browser_value;
pub mod charts;
pub mod forms;
pub mod layout;
pub mod pager;
pub mod upload;
pub mod score_form;
