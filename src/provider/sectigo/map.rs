//! SCM wire → model mapping. (Skeleton: being implemented.)
