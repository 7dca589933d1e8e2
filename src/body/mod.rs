//! Request bodies that are more than bytes: the files a request sends ([`upload`]: where each
//! comes from, opened anew for every attempt) and the `multipart/form-data` body they travel in
//! ([`multipart`]: streamed, with progress). The call path ([`crate::call`]) sends them; nothing
//! here knows of it.

pub(crate) mod multipart;
pub(crate) mod upload;
