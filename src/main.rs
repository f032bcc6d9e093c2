fn main() {
    cm_request_viewer::crash::report_panics_in_the_page();
    leptos::mount::mount_to_body(cm_request_viewer::App);
}
