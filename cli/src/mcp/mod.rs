//! `postpress mcp`: the API as tools for AI agents, over the Model Context Protocol on stdio
//! (built on rmcp). stdout carries only the protocol; logs go to stderr.
//!
//! - `tools`: one tool per operation of the spec, everything about it derived from the spec;
//! - `call`: a tool call made through the SDK, its answer or error as a tool result;
//! - `files`: the directory tree files may be attached from, opened beneath it.

mod call;
mod files;
mod tools;

use std::path::Path;
use std::sync::Arc;

use postpress::Client;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, InitializeResult,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, ServiceExt};

pub use files::FilesRoot;

/// The server: a client, the files root, and the tools it offers.
#[derive(Clone)]
struct Server {
    client: Client,
    files: Option<Arc<FilesRoot>>,
    tools: Arc<Vec<tools::Entry>>,
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder().enable_tools().build();
        InitializeResult::new(capabilities)
            .with_server_info(Implementation::new("postpress", env!("CARGO_PKG_VERSION")))
            .with_instructions(format!(
                "Tools of the postpress messaging API (WhatsApp, LinkedIn, Telegram). A failed call returns \
                 isError with `outcome`: `not_applied` means nothing happened (retry freely), `unknown` that \
                 it may have happened (look before retrying a send or forward). {}",
                match &self.files {
                    Some(files) => format!("Files to send are local paths inside {}.", files.path().display()),
                    None => "This server sends no files (it was started without --files-root).".to_string(),
                }
            ))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(
            self.tools.iter().map(|e| e.tool.clone()).collect(),
        ))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|e| e.tool.name == name).map(|e| e.tool.clone())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let Some(entry) = self.tools.iter().find(|e| e.tool.name == request.name) else {
            // Not offered (unknown, or not read-only under --read-only): a tool result the agent
            // can read, as for any other refusal.
            let text = format!("no tool named {:?} on this server", request.name);
            return Ok(CallToolResult::error(vec![ContentBlock::text(text)]).into());
        };
        let arguments = request.arguments.unwrap_or_default();
        Ok(
            call::call(&self.client, self.files.as_deref(), entry.operation, arguments)
                .await
                .into(),
        )
    }
}

/// Serves MCP on stdin/stdout until the client closes it. Without a files root, binary fields are
/// refused: an MCP host often starts its servers in the user's home or in `/`.
pub async fn serve(client: Client, read_only: bool, files_root: Option<&Path>) -> Result<(), String> {
    let files = match files_root {
        Some(root) => Some(Arc::new(
            FilesRoot::new(root).map_err(|e| format!("--files-root {}: {e}", root.display()))?,
        )),
        None => None,
    };
    let server = Server {
        client,
        files,
        tools: Arc::new(tools::entries(read_only)),
    };
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| format!("MCP: {e}"))?;
    running.waiting().await.map_err(|e| format!("MCP: {e}"))?;
    Ok(())
}
