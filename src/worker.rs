//! The worker. (Skeleton.)
