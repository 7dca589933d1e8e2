//! The growth test's parts probe (`tests/growth.rs` builds it as a service of its own,
//! `parts-probe/`, in the grown copy of the workspace): prints each operation the build compiled,
//! one `id part` line each, from the generated operation table. Built with different features, it
//! shows which parts are in.

fn main() {
    for operation in postpress::operations::OPERATIONS {
        println!("{} {}", operation.id, operation.part);
    }
}
