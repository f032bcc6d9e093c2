//! Asking the CM server, one load at a time, and what each load leaves on
//! screen: a new question shows its first rows as soon as they arrive; a
//! refresh of the question on screen replaces the rows in one step once its
//! answer is whole, and when it fails the rows stay, saying how old they are.

use crate::api::{LoadError, fetch_profile_templates};
use crate::live_answer::{LiveAnswer, OnScreen};
use crate::loading::{LoadWatcher, Loaded, load_requests};
use crate::settings::Settings;
use cm_model::ProfileTemplate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use viewer_core::narrowing::Narrowing;
use viewer_core::progress::Progress;
use viewer_core::query::ServerQuery;
use viewer_core::sorting::SortOrder;

/// A refresh that failed while older rows stayed on screen.
#[derive(Clone, Debug)]
pub struct RefreshFailure {
    pub error: LoadError,
    /// When it failed, in milliseconds since 1970.
    pub at_ms: f64,
}

/// How the latest load ended, for what waits on loads (automatic refresh).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadEnded {
    /// Counts loads: tells two ends with the same result apart.
    pub number: u64,
    pub worked: bool,
}

/// The page's loads and what they show; owned by the page, and everything a
/// load writes to it is checked against the load being the latest, so a load
/// the page no longer wants (or a page that is gone) is never written to.
#[derive(Clone, Copy)]
pub struct Asking {
    pub on_screen: OnScreen,
    /// Why the latest question has nothing on screen.
    pub failure: RwSignal<Option<LoadError>>,
    /// How much of the load under way has arrived; `None` while none runs.
    pub progress: RwSignal<Option<Progress>>,
    /// The latest refresh failed; the rows on screen are older.
    pub failed_refresh: RwSignal<Option<RefreshFailure>>,
    pub last_end: RwSignal<Option<LoadEnded>>,
    /// The order of the rows on screen: a refresh's rows are sorted so as they arrive.
    order: RwSignal<SortOrder>,
    /// The narrowing of the rows on screen: a refresh's rows are narrowed so as they arrive.
    narrowing: RwSignal<Narrowing>,
    latest_load: StoredValue<u64>,
    settings: StoredValue<Arc<Settings>>,
    /// Asked once per page, with its first list: names only, so a failure
    /// shows GUIDs rather than an error. Every answer of the page is named alike.
    templates: StoredValue<Option<Arc<Vec<ProfileTemplate>>>>,
}

impl Asking {
    pub fn new(settings: Arc<Settings>, order: RwSignal<SortOrder>, narrowing: RwSignal<Narrowing>) -> Asking {
        Asking {
            on_screen: OnScreen::default(),
            failure: RwSignal::new(None),
            progress: RwSignal::new(None),
            failed_refresh: RwSignal::new(None),
            last_end: RwSignal::new(None),
            order,
            narrowing,
            latest_load: StoredValue::new(0),
            settings: StoredValue::new(settings),
            templates: StoredValue::new(None),
        }
    }

    /// Whether a load is under way.
    pub fn is_loading(self) -> bool {
        self.progress.with(Option::is_some)
    }

    /// Asks `query`: a refresh when it is the question on screen, else a new
    /// question. A load under way is stopped: only the latest may speak.
    pub fn ask(self, query: ServerQuery) {
        let refresh = self.on_screen.question_untracked().is_some_and(|shown| shown == query);
        let number = self.latest_load.get_value() + 1;
        self.latest_load.set_value(number);
        self.progress.set(Some(Progress::default()));
        let this_load = ThisLoad { asking: self, number, refresh };
        spawn_local(async move {
            let Some(settings) = self.settings.try_get_value() else { return };
            let loaded = load_requests(&settings, &query, self.names(&settings), &this_load).await;
            this_load.ended(loaded);
        });
    }

    /// Stops whatever load is under way, for good: the page is going.
    pub fn stop(self) {
        self.latest_load.try_update_value(|latest| *latest += 1);
    }

    /// The configured names with the host's template names, asked for at most once.
    async fn names(self, settings: &Settings) -> Arc<cm_model::NameBook> {
        let templates = match self.templates.try_get_value().flatten() {
            Some(known) => known,
            None => {
                let fetched = Arc::new(fetch_profile_templates(&settings.host, settings.timeout_seconds).await);
                self.templates.try_set_value(Some(fetched.clone()));
                fetched
            }
        };
        Arc::new(settings.names.as_ref().clone().with_profile_templates(&templates))
    }
}

/// One load of the page, as its watcher.
struct ThisLoad {
    asking: Asking,
    number: u64,
    /// A refresh of the question on screen: its answer shows only when whole.
    refresh: bool,
}

impl ThisLoad {
    /// Puts what the load ended with on screen, if the page still wants it.
    fn ended(&self, loaded: Loaded) {
        if !self.still_wanted() {
            return;
        }
        let asking = self.asking;
        asking.progress.set(None);
        let worked = match loaded {
            Loaded::Stopped => return,
            Loaded::Answer(answer) => {
                let broke = answer.with_outcome(|outcome| outcome.and_then(|outcome| outcome.interrupted.clone()));
                match broke {
                    // A whole answer on screen is truer than part of a newer one.
                    Some(error) if self.refresh && asking.on_screen.is_some() => self.refresh_failed(error),
                    broke => {
                        self.show(answer);
                        broke.is_none()
                    }
                }
            }
            Loaded::Failed(error) if self.refresh && asking.on_screen.is_some() => self.refresh_failed(error),
            Loaded::Failed(error) => {
                asking.on_screen.clear();
                asking.failed_refresh.set(None);
                asking.failure.set(Some(error));
                false
            }
        };
        asking.last_end.set(Some(LoadEnded { number: self.number, worked }));
    }

    fn show(&self, answer: LiveAnswer) {
        let asking = self.asking;
        if !asking.on_screen.shows(answer.generation()) {
            asking.on_screen.show(answer);
        }
        asking.failure.set(None);
        asking.failed_refresh.set(None);
    }

    fn refresh_failed(&self, error: LoadError) -> bool {
        self.asking.failed_refresh.set(Some(RefreshFailure { error, at_ms: js_sys::Date::now() }));
        false
    }
}

impl LoadWatcher for ThisLoad {
    fn still_wanted(&self) -> bool {
        self.asking.latest_load.try_get_value() == Some(self.number)
    }

    fn received(&self, progress: Progress) {
        self.asking.progress.set(Some(progress));
    }

    fn frame(&self, answer: &LiveAnswer) {
        // An answer already on screen stays until the new one's rows are shown.
        if !self.refresh && self.asking.on_screen.question_untracked().is_none() {
            self.show(answer.clone());
        }
    }

    fn first_rows(&self, answer: &LiveAnswer) {
        if !self.refresh {
            self.show(answer.clone());
        }
    }

    fn grew(&self, answer: &LiveAnswer) {
        // Called only in the same turn as a `still_wanted` that said yes: the
        // page, and so its choices of order and narrowing, are there.
        if self.refresh {
            self.asking.order.with_untracked(|order| answer.sort_ahead(order));
            self.asking.narrowing.with_untracked(|narrowing| answer.narrow_ahead(narrowing));
        }
    }

    fn replacing(&self) -> Option<LiveAnswer> {
        if self.refresh { self.asking.on_screen.get_untracked() } else { None }
    }
}
