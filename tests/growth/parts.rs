//! The growth test's parts probe (copied into a grown copy of the workspace as `examples/parts.rs`
//! by `tests/growth.rs`): prints each operation the build compiled, one `id part` line each, from
//! the generated operation table. Built with different features, it shows which parts are in.

fn main() {
    for operation in postpress::operations::OPERATIONS {
        println!("{} {}", operation.id, operation.part);
    }
}
