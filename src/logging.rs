//! Logging to a file with tracing; never to the terminal. (Skeleton.)
