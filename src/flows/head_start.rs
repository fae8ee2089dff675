//! Two waits whose lines print one after the other while their conditions come true
//! independently (the same step on both clusters, say): the second is already watched while
//! the first is printed and awaited, so the pair takes as long as the slower, not the sum.

use std::future::Future;
use std::pin::Pin;

/// How far the second wait got while the first ran.
pub enum Started<F: Future> {
    /// It ended, with this output.
    Done(F::Output),
    /// It still runs.
    Running(Pin<Box<F>>),
}

impl<F: Future> Started<F> {
    /// The second wait's output, once it has ended.
    pub async fn finish(self) -> F::Output {
        match self {
            Self::Done(output) => output,
            Self::Running(future) => future.await,
        }
    }
}

/// Runs `first` to its end while `second` makes progress; `second` stops (is dropped) only
/// if the caller drops what is returned.
pub async fn alongside<A: Future, B: Future>(first: A, second: B) -> (A::Output, Started<B>) {
    let mut second = Box::pin(second);
    let mut first = std::pin::pin!(first);
    let mut done = None;
    let output = loop {
        tokio::select! {
            biased;
            output = &mut first => break output,
            ended = &mut second, if done.is_none() => done = Some(ended),
        }
    };
    let second = match done {
        Some(ended) => Started::Done(ended),
        None => Started::Running(second),
    };
    (output, second)
}

#[cfg(test)]
mod tests {
    use tokio::sync::oneshot;

    use super::*;

    #[tokio::test]
    async fn the_second_wait_progresses_while_the_first_runs() {
        // The second ends first: it is done by the time the first is.
        let (first_tx, first_rx) = oneshot::channel::<u8>();
        let (second_tx, second_rx) = oneshot::channel::<u8>();
        let first = async move {
            second_tx.send(2).unwrap();
            tokio::task::yield_now().await;
            first_rx.await.unwrap()
        };
        first_tx.send(1).unwrap();
        let (a, b) = alongside(first, async { second_rx.await.unwrap() }).await;
        assert_eq!(a, 1);
        assert!(matches!(b, Started::Done(2)));

        // The second ends later: it is still running, and finishing it waits for it.
        let (late_tx, late_rx) = oneshot::channel::<u8>();
        let (a, b) = alongside(async { 3 }, async { late_rx.await.unwrap() }).await;
        assert_eq!(a, 3);
        assert!(matches!(b, Started::Running(_)));
        late_tx.send(4).unwrap();
        assert_eq!(b.finish().await, 4);
    }
}
