//! (being written)

use std::sync::Arc;

use crate::context::Context;

/// Runs the controller until the process ends.
pub async fn run(_ctx: Arc<Context>) {
    std::future::pending::<()>().await;
}
