//! Secrets from the OS keyring, an environment variable or a command. (Skeleton.)
