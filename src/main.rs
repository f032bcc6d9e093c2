fn main() {
    cm_request_viewer::crash::report_panics_in_the_page();
    cm_request_viewer::policy_violations::start_recording();
    leptos::mount::mount_to_body(cm_request_viewer::App);
}
