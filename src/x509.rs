//! PEM/DER → what the detail pane shows. (Skeleton.)
