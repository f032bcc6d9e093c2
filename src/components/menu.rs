//! Buttons that open a panel of controls over the page, so that choices take
//! one line of the page until they are wanted.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// A disclosure (`<details>`, so it works for the keyboard and assistive
/// technology as browsers make it) of class `menu` and `$class`, its button
/// showing `$label`, its panel (`$panel`) floating over the page; `open = …`
/// opens it from the start. [`menus_close_like_menus`] closes it on Escape and
/// on a click elsewhere. A macro, not a component: a component's children are
/// made into a type-erased view, which costs the app more than the few
/// elements written out at each place.
macro_rules! menu {
    ($class:literal, $label:expr, $panel:expr $(, open = $open:expr)?) => {
        leptos::view! {
            <details class=concat!("menu ", $class) $(open=$open)?>
                <summary class="button">
                    {$label}
                    {$crate::components::icon::icon($crate::components::icon::CHEVRON_DOWN)}
                </summary>
                <div class="menu-panel">{$panel}</div>
            </details>
        }
    };
}
pub(crate) use menu;

/// Closes the open menu the focus is in on Escape, giving the focus to its
/// button, and the open menus a click lands outside of, as menus elsewhere do.
pub fn menus_close_like_menus() {
    let escape = window_event_listener(leptos::ev::keydown, |event| {
        let focused = document().active_element();
        let menu = focused.and_then(|focused| focused.closest("details.menu[open]").ok().flatten());
        if let (true, Some(menu)) = (event.key() == "Escape", menu) {
            let _ = menu.remove_attribute("open");
            if let Ok(Some(button)) = menu.query_selector("summary") {
                let _ = button.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
    });
    let click = window_event_listener(leptos::ev::click, |event| {
        let target = event.target().and_then(|target| target.dyn_into::<web_sys::Node>().ok());
        let Ok(open) = document().query_selector_all("details.menu[open]") else { return };
        for at in 0..open.length() {
            if let Some(menu) = open.item(at).filter(|menu| !menu.contains(target.as_ref())) {
                let _ = menu.unchecked_into::<web_sys::Element>().remove_attribute("open");
            }
        }
    });
    on_cleanup(move || {
        escape.remove();
        click.remove();
    });
}
