//! Which keys a watch event queues when the objects live in a reflector store. During a
//! (re)list the store still shows the old state (kube-runtime swaps the listed objects in at
//! `InitDone`), so a key queued at `InitApply` could be worked on before its object is in the
//! store, be judged gone, and never come back. The listed keys are therefore queued at
//! `InitDone`, with those known before the list (gone meanwhile, their copies must go).

use std::collections::HashSet;

use kube::runtime::watcher::Event;

use super::queue::Key;

/// The keys seen by one watch, across its relists.
#[derive(Debug, Default)]
pub struct Relist {
    known: HashSet<Key>,
    listing: Option<HashSet<Key>>,
}

impl Relist {
    /// The keys to queue for `event`; `key_of` names an object's key (`None`: not ours).
    pub fn keys<K>(&mut self, event: &Event<K>, key_of: impl Fn(&K) -> Option<Key>) -> Vec<Key> {
        match event {
            Event::Apply(o) => key_of(o).inspect(|k| {
                self.known.insert(k.clone());
            }),
            Event::Delete(o) => key_of(o).inspect(|k| {
                self.known.remove(k);
            }),
            Event::Init => {
                self.listing = Some(HashSet::new());
                None
            }
            Event::InitApply(o) => {
                if let Some(k) = key_of(o) {
                    self.listing.get_or_insert_with(HashSet::new).insert(k);
                }
                None
            }
            Event::InitDone => {
                let listed = self.listing.take().unwrap_or_default();
                let before = std::mem::replace(&mut self.known, listed);
                let mut all: Vec<Key> = before.union(&self.known).cloned().collect();
                all.sort();
                return all;
            }
        }
        .into_iter()
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Option<Key> {
        Some(Key::new("demo", name))
    }

    #[test]
    fn listed_keys_are_queued_once_the_list_is_complete_with_those_gone_meanwhile() {
        let mut relist = Relist::default();
        let of = |n: &&str| key(n);
        assert_eq!(relist.keys(&Event::Init, of), []);
        assert_eq!(
            relist.keys(&Event::InitApply("a"), of),
            [],
            "not before InitDone"
        );
        assert_eq!(relist.keys(&Event::InitApply("b"), of), []);
        assert_eq!(
            relist.keys(&Event::InitDone, of),
            [key("a").unwrap(), key("b").unwrap()]
        );
        assert_eq!(relist.keys(&Event::Apply("c"), of), [key("c").unwrap()]);
        assert_eq!(relist.keys(&Event::Delete("a"), of), [key("a").unwrap()]);
        // A relist that no longer shows c: c is queued too (its copy must go).
        relist.keys(&Event::Init, of);
        relist.keys(&Event::InitApply("b"), of);
        assert_eq!(
            relist.keys(&Event::InitDone, of),
            [key("b").unwrap(), key("c").unwrap()]
        );
        let none = |_: &&str| None;
        assert_eq!(relist.keys(&Event::Apply("x"), none), []);
    }
}
