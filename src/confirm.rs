//! Confirmation of destructive commands.

use std::io::{BufRead, IsTerminal, Write};

use crate::ctx::Ctx;

/// Asks before a destructive command unless `--skip-confirm`; anything but yes declines.
///
/// # Errors
/// When stdin cannot be read.
pub fn destructive(ctx: &Ctx, command: &str) -> anyhow::Result<bool> {
    if ctx.global.skip_confirm {
        return Ok(true);
    }
    ctx.printer.warn(format_args!(
        "{command} is a potentially destructive command."
    ));
    if !std::io::stdin().is_terminal() {
        ctx.printer
            .error("no terminal to confirm on: pass --skip-confirm to proceed");
        return Ok(false);
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "Are you sure you want to continue? [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
