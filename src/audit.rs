//! Append-only JSONL audit log of every mutating action. (Skeleton.)
