//! SCM's certificate families as the account's collections: SSL, client (S/MIME), device and
//! code signing, each a collection with its own endpoints. `Family::Ssl` and the others are
//! `Collection` constants, so SCM code names and matches them as before while the shared
//! layers see only collections.

use crate::model::{Collection, CollectionSpec};

static SSL: CollectionSpec = CollectionSpec {
    id: "ssl",
    label: "SSL",
    approvals: true,
    order: 0,
};
static CLIENT: CollectionSpec = CollectionSpec {
    id: "client",
    label: "Client",
    approvals: false,
    order: 1,
};
static DEVICE: CollectionSpec = CollectionSpec {
    id: "device",
    label: "Device",
    approvals: true,
    order: 2,
};
static CODE_SIGNING: CollectionSpec = CollectionSpec {
    id: "code-signing",
    label: "Code signing",
    approvals: false,
    order: 3,
};

/// The families, by their SCM names. SSL and device requests wait for an approver; S/MIME
/// requests go to the CA on their own.
pub struct Family;

#[allow(non_upper_case_globals)]
impl Family {
    pub const Ssl: Collection = Collection(&SSL);
    pub const Client: Collection = Collection(&CLIENT);
    pub const Device: Collection = Collection(&DEVICE);
    pub const CodeSigning: Collection = Collection(&CODE_SIGNING);

    /// Every family, in the tree's order.
    pub const ALL: [Collection; 4] = [
        Family::Ssl,
        Family::Client,
        Family::Device,
        Family::CodeSigning,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_collections_that_match_and_sort_like_the_old_enum() {
        let f = Family::Device;
        let name = match f {
            Family::Ssl => "ssl",
            Family::Device => "device",
            _ => "other",
        };
        assert_eq!(name, "device");
        assert!(Family::Ssl < Family::Client && Family::Client < Family::Device);
        assert!(Family::Ssl.needs_approval() && Family::Device.needs_approval());
        assert!(!Family::Client.needs_approval());
        assert_eq!(Family::CodeSigning.label(), "Code signing");
    }
}
