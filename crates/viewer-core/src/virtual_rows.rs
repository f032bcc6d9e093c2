//! Which rows of a long table are in the page. Every body row has one height,
//! so the rows in view follow from the scroll position alone, spacer rows
//! above and below keep the scroll bar true, and 100 or 100,000 rows cost the same.

use std::ops::Range;

/// Height of a body row in CSS pixels, as the page's style sets it (an
/// end-to-end test checks that the two agree).
pub const ROW_PIXELS: usize = 36;
const ROW_HEIGHT: f64 = ROW_PIXELS as f64;

/// Rows rendered beyond each edge of the view, so that scrolling shows rows already there.
const OVERSCAN: usize = 8;

/// The rows to render, of `rows`, for a view `height` pixels tall scrolled to `top`.
pub fn rows_in_view(top: f64, height: f64, rows: usize) -> Range<usize> {
    let first = ((top / ROW_HEIGHT).floor().max(0.0) as usize).min(rows);
    let visible = (height / ROW_HEIGHT).ceil() as usize + 1;
    first.saturating_sub(OVERSCAN)..(first + visible + OVERSCAN).min(rows)
}

/// The heights in pixels of the spacers above and below the `rendered` rows, of `rows`.
pub fn spacer_pixels(rendered: &Range<usize>, rows: usize) -> (usize, usize) {
    (rendered.start * ROW_PIXELS, rows.saturating_sub(rendered.end) * ROW_PIXELS)
}

/// Where to scroll a view `height` pixels tall, scrolled to `top`, under a
/// sticky header `header` pixels tall, so that `row` is wholly in view: as
/// little as it takes, and not at all when it already is.
pub fn scroll_top_showing(row: usize, top: f64, height: f64, header: f64) -> f64 {
    let row_top = row as f64 * ROW_HEIGHT;
    if row_top < top {
        row_top
    } else if row_top + ROW_HEIGHT + header > top + height {
        row_top + ROW_HEIGHT + header - height
    } else {
        top
    }
}

/// The row that `key` moves to from `current`, of `rows`, in a view
/// `height` pixels tall; `None` for a key that does not move between rows.
pub fn row_after_key(key: &str, current: usize, rows: usize, height: f64) -> Option<usize> {
    let page = ((height / ROW_HEIGHT).floor() as usize).saturating_sub(1).max(1);
    let last = rows.saturating_sub(1);
    Some(match key {
        "ArrowDown" => (current + 1).min(last),
        "ArrowUp" => current.saturating_sub(1),
        "PageDown" => (current + page).min(last),
        "PageUp" => current.saturating_sub(page),
        "Home" => 0,
        "End" => last,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_in_view_and_a_few_beyond_each_edge_are_rendered() {
        // 10 rows fill 360 pixels; one more for a row cut at the bottom.
        assert_eq!(rows_in_view(0.0, 360.0, 100_000), 0..19);
        assert_eq!(rows_in_view(36.0 * 500.0 + 10.0, 360.0, 100_000), 492..519);
        assert_eq!(rows_in_view(36.0 * 99_995.0, 360.0, 100_000), 99_987..100_000);
        assert_eq!(rows_in_view(0.0, 360.0, 3), 0..3, "never past the last row");
        assert_eq!(rows_in_view(5000.0, 360.0, 3), 0..3, "a list shorter than where the view was");
        assert_eq!(rows_in_view(-20.0, 360.0, 0), 0..0, "an elastic scroll above the top, and no rows");
    }

    #[test]
    fn the_spacers_stand_for_the_rows_not_rendered() {
        assert_eq!(spacer_pixels(&(492..519), 100_000), (492 * 36, (100_000 - 519) * 36));
        assert_eq!(spacer_pixels(&(0..3), 3), (0, 0));
        assert_eq!(spacer_pixels(&(0..0), 0), (0, 0));
    }

    #[test]
    fn scrolling_to_a_row_moves_as_little_as_it_takes() {
        // A view of 10 rows under a 40-pixel header, at its top.
        let (height, header) = (400.0, 40.0);
        assert_eq!(scroll_top_showing(3, 0.0, height, header), 0.0, "already in view");
        assert_eq!(scroll_top_showing(10, 0.0, height, header), 11.0 * 36.0 + header - height, "below: to the bottom");
        assert_eq!(scroll_top_showing(2, 36.0 * 5.0, height, header), 72.0, "above: to the top");
    }

    #[test]
    fn keys_move_by_a_row_a_page_or_to_either_end_and_stop_there() {
        let (rows, height) = (100, 360.0);
        let after = |key, current| row_after_key(key, current, rows, height);
        assert_eq!((after("ArrowDown", 5), after("ArrowUp", 5)), (Some(6), Some(4)));
        assert_eq!((after("ArrowDown", 99), after("ArrowUp", 0)), (Some(99), Some(0)));
        // A page is the rows that fit, less one kept in view.
        assert_eq!((after("PageDown", 5), after("PageUp", 5)), (Some(14), Some(0)));
        assert_eq!((after("PageDown", 95), after("Home", 50), after("End", 50)), (Some(99), Some(0), Some(99)));
        assert_eq!(after("a", 5), None);
        assert_eq!(row_after_key("PageDown", 0, 5, 10.0), Some(1), "a view shorter than a row still moves");
    }
}
