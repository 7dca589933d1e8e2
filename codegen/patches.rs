//! Edits to progenitor's output, made on the parsed syntax tree (never on formatted text), for what
//! progenitor 0.15 cannot be told to do. Each edit fails the build with a message naming itself
//! when it finds nothing to edit, so a progenitor release that generates different code is caught
//! here rather than compiled silently.

use syn::Attribute;
use syn::Token;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;

pub fn apply(file: &mut syn::File) -> Result<(), String> {
    schemars_behind_feature(file)
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
