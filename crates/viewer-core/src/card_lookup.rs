//! Finding a smart card by what a help desk has in hand: the serial number
//! printed on it, or its GUID as a request names it; then the requests that
//! name the card.

use crate::blocks::Block;
use crate::columns::guid_text;
use crate::detail::template;
use crate::query::pasted_guid;
use cm_model::{NameBook, SmartCard, shorten};
use uuid::Uuid;

/// A card looked up, as typed (trimmed): a serial number or a card GUID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardLookup(String);

/// The longest lookup kept: a serial number or a GUID in braces is far shorter.
pub const MAX_LOOKUP_CHARS: usize = 100;

impl CardLookup {
    /// Reads what a user typed; an empty or overlong text is refused with a message.
    pub fn parse(text: &str) -> Result<CardLookup, String> {
        let text = text.trim();
        match text.chars().count() {
            0 => Err("Enter a card's serial number or its GUID.".to_owned()),
            count if count > MAX_LOOKUP_CHARS => {
                Err(format!("\u{201c}{}\u{201d} is too long for a card's serial number or GUID.", shorten(text, 40)))
            }
            _ => Ok(CardLookup(text.to_owned())),
        }
    }

    /// The text looked up.
    pub fn text(&self) -> &str {
        &self.0
    }

    /// The card's GUID, when the text is one: it may be the card's id in CM
    /// (as requests name cards) as well as a serial number written as a GUID.
    pub fn guid(&self) -> Option<Uuid> {
        pasted_guid(&self.0)
    }

    /// The cards whose requests are shown: those found, and the GUID typed.
    pub fn cards_named(&self, found: &[SmartCard]) -> Vec<Uuid> {
        let mut cards: Vec<Uuid> = self.guid().into_iter().collect();
        for card in found.iter().filter_map(|card| card.uuid) {
            if !cards.contains(&card) {
                cards.push(card);
            }
        }
        cards
    }

    /// What the lookup found, above the `requests` loaded that name the cards.
    pub fn found_blocks(&self, found: &[SmartCard], requests: usize, names: &NameBook) -> Vec<Block> {
        let requests = match requests {
            1 => "1 loaded request names it".to_owned(),
            count => format!("{count} loaded requests name {}", if found.len() > 1 { "them" } else { "it" }),
        };
        let summary = match (found.len(), self.guid()) {
            (0, Some(_)) => format!(
                "The CM server has no card with the serial number or id \u{201c}{}\u{201d}; {requests}.",
                self.0
            ),
            (0, None) => format!("The CM server has no card with the serial number \u{201c}{}\u{201d}.", self.0),
            (1, _) => format!("Card \u{201c}{}\u{201d}: {requests}.", self.0),
            (cards, _) => format!("{cards} cards match \u{201c}{}\u{201d}; {requests}.", self.0),
        };
        let mut blocks = vec![Block::Lead(summary)];
        if !found.is_empty() {
            blocks.push(Block::Table {
                headers: FOUND_CARD_HEADERS,
                rows: found.iter().map(|card| found_card_row(card, names)).collect(),
            });
        }
        blocks
    }
}

/// The headers of the table of cards found.
const FOUND_CARD_HEADERS: &[&str] = &["Serial number", "Status", "Assigned user", "Profile template", "Card ID"];

fn found_card_row(card: &SmartCard, names: &NameBook) -> Vec<String> {
    vec![
        card.serial_number.clone().unwrap_or_else(|| "not given".to_owned()),
        card.status.map_or_else(|| "not given".to_owned(), |status| names.card_status(status).text),
        guid_text(card.assigned_user_uuid),
        template(card.profile_template_uuid, names),
        guid_text(card.uuid),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_is_a_short_text() {
        assert_eq!(CardLookup::parse("  4D2A00F3 ").unwrap().text(), "4D2A00F3");
        assert!(CardLookup::parse(" ").unwrap_err().starts_with("Enter"));
        assert!(CardLookup::parse(&"9".repeat(101)).unwrap_err().contains("too long"));
    }

    #[test]
    fn a_guid_names_a_card_even_before_the_server_answers() {
        let id = uuid::uuid!("17cf063d-e337-4aa9-a822-346554ddd3c9");
        let lookup = CardLookup::parse("{17CF063D-E337-4AA9-A822-346554DDD3C9}").unwrap();
        assert_eq!(lookup.cards_named(&[]), [id]);
        let other = Uuid::from_u128(5);
        let found = [
            SmartCard { uuid: Some(id), ..SmartCard::default() },
            SmartCard { uuid: Some(other), ..SmartCard::default() },
        ];
        assert_eq!(lookup.cards_named(&found), [id, other]);
        assert_eq!(CardLookup::parse("4D2A00F3").unwrap().cards_named(&[]), Vec::<Uuid>::new());
    }

    #[test]
    fn what_was_found_is_said_and_listed() {
        let names = NameBook::default();
        let serial = CardLookup::parse("4D2A00F3").unwrap();
        assert_eq!(
            serial.found_blocks(&[], 0, &names),
            [Block::Lead("The CM server has no card with the serial number \u{201c}4D2A00F3\u{201d}.".into())]
        );
        let card = SmartCard {
            serial_number: Some("4D2A00F3".into()),
            status: Some(cm_model::CardStatus::Disabled),
            ..SmartCard::default()
        };
        let blocks = serial.found_blocks(std::slice::from_ref(&card), 3, &names);
        assert_eq!(blocks[0], Block::Lead("Card \u{201c}4D2A00F3\u{201d}: 3 loaded requests name it.".into()));
        assert_eq!(
            blocks[1],
            Block::Table {
                headers: FOUND_CARD_HEADERS,
                rows: vec![vec!["4D2A00F3".into(), "Disabled".into(), "none".into(), "none".into(), "none".into()]]
            }
        );
        let two = serial.found_blocks(&[card.clone(), card], 1, &names);
        assert_eq!(two[0], Block::Lead("2 cards match \u{201c}4D2A00F3\u{201d}; 1 loaded request names it.".into()));
        let guid = CardLookup::parse("17cf063d-e337-4aa9-a822-346554ddd3c9").unwrap();
        assert!(
            matches!(&guid.found_blocks(&[], 2, &names)[0], Block::Lead(text) if text.ends_with("; 2 loaded requests name it."))
        );
    }
}
