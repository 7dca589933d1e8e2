//! Edits to progenitor's output, made on the parsed syntax tree (never on formatted text), for what
//! progenitor 0.15 cannot be told to do. Each edit counts the places it changed and fails the build
//! with a message naming itself when the count is not the one expected, so a progenitor release that
//! generates different code is caught here rather than compiled silently.

use quote::quote;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Expr, Item, Stmt, Token, UseTree};

/// What the edits expect to find, derived from the spec.
pub struct Expected {
    /// Path parameters of the generated operations: one `encode_path` call each.
    pub path_parameters: usize,
    /// Generated operations: one `api-version` header each.
    pub operations: usize,
}

pub fn apply(file: &mut syn::File, expected: &Expected) -> Result<(), String> {
    use_strict_path_encoding(file, expected.path_parameters)?;
    drop_api_version_header(file, expected.operations)?;
    schemars_behind_feature(file)?;
    Ok(())
}

fn expect(edit: &str, what: &str, found: usize, wanted: usize) -> Result<(), String> {
    if found == wanted {
        Ok(())
    } else {
        Err(format!(
            "patch {edit}: found {found} {what} in progenitor's output, expected {wanted}; \
             progenitor's generated code changed, update build/codegen/patches.rs"
        ))
    }
}

/// Upstream limitation: progenitor's `encode_path` leaves `\` and `.` alone; a URL parser turns `\`
/// into `/` and resolves `..`, so an id could change which path is requested. The generated code
/// is routed to the crate's stricter encoder (`src/path.rs`): the `encode_path` import from
/// `progenitor_client` becomes `crate::path::encode_path`, and each call `encode_path(&id.to_string())`
/// becomes `encode_path(id)` (the parameters are `&str` already; the copy is a measurable share of
/// a call's cost, see `cargo xtask bench`).
fn use_strict_path_encoding(file: &mut syn::File, path_parameters: usize) -> Result<(), String> {
    let mut imports = 0;
    for item in &mut file.items {
        if let Item::Use(item) = item
            && let UseTree::Path(path) = &mut item.tree
            && path.ident == "progenitor_client"
            && let UseTree::Group(group) = &mut *path.tree
        {
            let before = group.items.len();
            group.items = std::mem::take(&mut group.items)
                .into_iter()
                .filter(|tree| !matches!(tree, UseTree::Name(name) if name.ident == "encode_path"))
                .collect();
            imports += before - group.items.len();
        }
    }
    expect("use_strict_path_encoding", "imports of encode_path", imports, 1)?;
    file.items.insert(
        0,
        syn::parse_quote!(
            use crate::path::encode_path;
        ),
    );

    struct Calls(usize, Vec<String>);
    impl VisitMut for Calls {
        // progenitor builds each URL in a `format!(..)`, whose arguments syn keeps as tokens:
        // parse them as expressions, edit those, and put them back.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if !mac.path.is_ident("format") {
                return;
            }
            let Ok(mut args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) else {
                self.1.push(format!("unparsable format!({})", mac.tokens));
                return;
            };
            for arg in args.iter_mut() {
                self.visit_expr_mut(arg);
            }
            if args.trailing_punct() {
                args.pop_punct();
            }
            mac.tokens = quote!(#args);
        }
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            visit_mut::visit_expr_call_mut(self, call);
            let Expr::Path(func) = &*call.func else { return };
            if !func.path.is_ident("encode_path") || call.args.len() != 1 {
                return;
            }
            // `&<param>.to_string()`
            let arg = &call.args[0];
            if let Expr::Reference(reference) = arg
                && let Expr::MethodCall(method) = &*reference.expr
                && method.method == "to_string"
                && method.args.is_empty()
            {
                let receiver = (*method.receiver).clone();
                call.args = Punctuated::from_iter([receiver]);
                self.0 += 1;
            } else {
                self.1.push(quote!(#arg).to_string());
            }
        }
    }
    let mut calls = Calls(0, Vec::new());
    calls.visit_file_mut(file);
    if !calls.1.is_empty() {
        return Err(format!(
            "patch use_strict_path_encoding: unexpected encode_path arguments {:?}",
            calls.1
        ));
    }
    expect(
        "use_strict_path_encoding",
        "encode_path calls",
        calls.0,
        path_parameters,
    )
}

/// Upstream limitation: progenitor adds an `api-version` header (from `info.version`) to every
/// request, with no setting to turn it off; the API reference documents no such header. The
/// `header_map.append(.. "api-version" ..)` statement is removed from each method, and with it the
/// then-empty header map (`let mut header_map = ..` and the `.headers(header_map)` call).
fn drop_api_version_header(file: &mut syn::File, operations: usize) -> Result<(), String> {
    #[derive(Default)]
    struct Headers {
        appends: usize,
        maps: usize,
        uses: usize,
    }
    fn is_header_map(expr: &Expr) -> bool {
        matches!(expr, Expr::Path(p) if p.path.is_ident("header_map"))
    }
    /// `header_map.append(..)`, and whether its header name is the literal `"api-version"`.
    fn header_map_append(stmt: &Stmt) -> Option<bool> {
        let Stmt::Expr(Expr::MethodCall(call), _) = stmt else {
            return None;
        };
        if call.method != "append" || !is_header_map(&call.receiver) {
            return None;
        }
        let name = match call.args.first() {
            Some(Expr::Call(from_static)) => from_static.args.first(),
            _ => None,
        };
        Some(matches!(name, Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if s.value() == "api-version"))
    }
    fn declares_header_map(stmt: &Stmt) -> bool {
        matches!(stmt, Stmt::Local(syn::Local { pat: syn::Pat::Ident(p), .. }) if p.ident == "header_map")
    }
    impl VisitMut for Headers {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let before = block.stmts.len();
            block.stmts.retain(|stmt| header_map_append(stmt) != Some(true));
            let removed = before - block.stmts.len();
            self.appends += removed;
            // The map is dropped only where nothing else is added to it.
            let other_appends = block.stmts.iter().any(|stmt| header_map_append(stmt).is_some());
            if removed > 0 && !other_appends {
                let before = block.stmts.len();
                block.stmts.retain(|stmt| !declares_header_map(stmt));
                self.maps += before - block.stmts.len();
            }
            visit_mut::visit_block_mut(self, block);
        }
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            visit_mut::visit_expr_mut(self, expr);
            if let Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.first().is_some_and(is_header_map)
            {
                *expr = (*call.receiver).clone();
                self.uses += 1;
            }
        }
    }
    let mut headers = Headers::default();
    headers.visit_file_mut(file);
    expect(
        "drop_api_version_header",
        "api-version headers",
        headers.appends,
        operations,
    )?;
    expect("drop_api_version_header", "header maps", headers.maps, operations)?;
    expect(
        "drop_api_version_header",
        ".headers(header_map) calls",
        headers.uses,
        operations,
    )
}

/// Upstream limitation: progenitor's `with_derive` adds a derive unconditionally, so a crate
/// generated with `JsonSchema` would always depend on schemars. Each generated derive of
/// `::schemars::JsonSchema` becomes `#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]`,
/// so one generated file (the checked-in snapshot) is what every feature set compiles.
fn schemars_behind_feature(file: &mut syn::File) -> Result<(), String> {
    struct Derives(usize, Option<String>);
    impl VisitMut for Derives {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<Attribute>) {
            let mut gated = Vec::new();
            for (index, attr) in attrs.iter_mut().enumerate() {
                if !attr.path().is_ident("derive") {
                    continue;
                }
                let parsed = attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated);
                let paths = match parsed {
                    Ok(paths) => paths,
                    Err(e) => {
                        self.1 = Some(e.to_string());
                        continue;
                    }
                };
                let is_schemars = |p: &syn::Path| {
                    let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
                    segments == ["schemars", "JsonSchema"]
                };
                if paths.iter().any(is_schemars) {
                    let kept = paths.iter().filter(|p| !is_schemars(p));
                    *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
                    let gate: Attribute =
                        syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]);
                    gated.push((index + 1, gate));
                    self.0 += 1;
                }
            }
            // Right after the derive it came from, before any helper attribute it reads.
            for (index, gate) in gated.into_iter().rev() {
                attrs.insert(index, gate);
            }
        }
    }
    let mut derives = Derives(0, None);
    derives.visit_file_mut(file);
    if let Some(error) = derives.1 {
        return Err(format!(
            "patch schemars_behind_feature: a derive did not parse: {error}"
        ));
    }
    // Every type progenitor generates derives it; none would mean the derive was not requested.
    // (A use of schemars left outside the feature fails the default-features build, which CI runs.)
    if derives.0 == 0 {
        return Err("patch schemars_behind_feature: progenitor generated no JsonSchema derive".into());
    }
    Ok(())
}
