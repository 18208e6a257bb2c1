//! The stdio face: newline-delimited JSON-RPC on stdin and stdout.
//!
//! The SDK drops a line that is not JSON without a word; the spec asks for a
//! -32700 Parse error. So this module owns both streams: each line read is
//! checked to be JSON before the SDK gets it (and, as over HTTP, a request of a
//! known method with params that do not fit is answered -32602 here), and an
//! answer to one that is not is written between the SDK's own lines, never
//! inside one.

use super::Registry;
use rmcp::ServiceExt;
use rmcp::model::ClientJsonRpcMessage;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// The longest message accepted; a longer line is answered -32700 and dropped.
pub const MAX_MESSAGE: usize = 1 << 20;

/// Serves MCP over stdin and stdout until the input ends.
pub async fn serve(registry: Registry) -> Result<(), String> {
    let (to_sdk, sdk_in) = tokio::io::duplex(64 * 1024);
    let (sdk_out, from_sdk) = tokio::io::duplex(64 * 1024);
    let (errors, mut error_lines) = mpsc::unbounded_channel::<String>();

    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        let mut sdk_lines = BufReader::new(from_sdk).lines();
        loop {
            let line = tokio::select! {
                line = sdk_lines.next_line() => match line {
                    Ok(Some(line)) => line,
                    _ => break,
                },
                Some(line) = error_lines.recv() => line,
            };
            let written = async {
                stdout.write_all(line.as_bytes()).await?;
                stdout.write_all(b"\n").await?;
                stdout.flush().await
            };
            if written.await.is_err() {
                break;
            }
        }
    });
    tokio::spawn(read_input(to_sdk, errors));

    let running = registry
        .serve((sdk_in, sdk_out))
        .await
        .map_err(|e| format!("stdio: {e}"))?;
    let outcome = running.waiting().await.map(drop);
    let _ = writer.await;
    outcome.map_err(|e| format!("stdio: {e}"))
}

/// Passes each JSON line of stdin to the SDK, answers the others; ends (and so
/// closes the SDK's input) at the end of stdin.
async fn read_input(mut to_sdk: tokio::io::DuplexStream, errors: mpsc::UnboundedSender<String>) {
    let mut stdin = BufReader::new(tokio::io::stdin());
    let mut line = Vec::new();
    loop {
        line.clear();
        let too_long = match read_line(&mut stdin, &mut line).await {
            Ok(None) | Err(_) => break,
            Ok(Some(too_long)) => too_long,
        };
        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        let answer = if too_long {
            Some(parse_error(&format!(
                "message longer than {MAX_MESSAGE} bytes"
            )))
        } else {
            match serde_json::from_slice::<ClientJsonRpcMessage>(text) {
                Ok(message) => super::invalid_params(&message),
                // The SDK answers JSON of the wrong shape -32600 itself.
                Err(_) => serde_json::from_slice::<serde::de::IgnoredAny>(text)
                    .err()
                    .map(|e| parse_error(&format!("not JSON: {e}"))),
            }
        };
        if let Some(answer) = answer {
            let _ = errors.send(answer.to_string());
            continue;
        }
        let mut message = text.to_vec();
        message.push(b'\n');
        if to_sdk.write_all(&message).await.is_err() {
            break;
        }
    }
    let _ = to_sdk.shutdown().await;
}

fn parse_error(problem: &str) -> serde_json::Value {
    serde_json::json!({
        "jsonrpc": "2.0", "id": null,
        "error": {"code": -32700, "message": format!("Parse error: {problem}")},
    })
}

/// Reads one line into `line`, keeping at most `MAX_MESSAGE` bytes of it.
/// Ok(None) at the end of input; Ok(Some(true)) when the line was longer.
async fn read_line(
    input: &mut BufReader<tokio::io::Stdin>,
    line: &mut Vec<u8>,
) -> std::io::Result<Option<bool>> {
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = input.fill_buf().await?;
        if chunk.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(at) => (&chunk[..at], at + 1),
            None => (chunk, chunk.len()),
        };
        let room = MAX_MESSAGE.saturating_sub(line.len());
        if part.len() > room {
            too_long = true;
        }
        line.extend_from_slice(&part[..part.len().min(room)]);
        let ended = done > part.len();
        input.consume(done);
        if ended {
            return Ok(Some(too_long));
        }
    }
}
