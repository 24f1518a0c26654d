//! SCM wire types (serde mirrors of the API). (Skeleton: being implemented.)
