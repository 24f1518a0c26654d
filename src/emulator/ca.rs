//! The demo CA. (Skeleton: being implemented.)
